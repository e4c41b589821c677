"""The bell's unread count goes up while the page stays open when the other side acts."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from aux.notifications import services
from aux.notifications.models import Kind
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_bell_count_rises_without_reload_and_falls_on_mark_read(live_server, page: Page, settings):
    settings.AUX_NOTIFICATIONS_POLL_SECONDS = 1
    artist, brand_user = UserFactory(role="artist"), UserFactory(role="brand")
    _login(page, live_server, artist)
    page.goto(f"{live_server.url}/notifications/")
    bell = page.locator("#notification-bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_count(0)
    page.evaluate("window.__noReload = true")

    # The brand sends an offer (committed at once: no surrounding transaction here).
    services.notify(
        recipients=[artist], kind=Kind.OFFER_RECEIVED, actor=brand_user,
        text="Fizz sent you an offer", url="/notifications/",
    )  # fmt: skip
    expect(bell.locator(".bell-count")).to_have_text("1", timeout=10_000)
    expect(bell).to_have_attribute("aria-label", re.compile("1 unread"))
    assert page.evaluate("window.__noReload") is True  # the page was never reloaded

    page.reload()
    page.get_by_role("button", name="Mark read").click()
    expect(page.locator("#notification-bell .bell-count")).to_have_count(0, timeout=5_000)
