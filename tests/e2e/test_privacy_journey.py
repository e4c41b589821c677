"""On a phone (390 px): an artist asks for their data archive, downloads it, then tries to close
their account while a funded contract holds money in escrow, and is told what is left."""

import re
import zipfile

import pytest
from playwright.sync_api import Browser, expect

from aux.users.models import User
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)
from tests.privacy.conftest import booking_history
from tests.users.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_artist_exports_data_and_cannot_close_with_money_in_escrow_on_a_phone(
    live_server, browser: Browser, stripe_api, django_capture_on_commit_callbacks
):
    history = booking_history(django_capture_on_commit_callbacks, pay=False)
    user = history.artist.user
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # The menu folds on phones: "My data" is in it.
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data")).to_be_visible()
    page.get_by_role("button", name="Prepare my archive").click()
    expect(page.get_by_text("Your archive is being prepared")).to_be_visible()
    page.reload()  # built by the task once the request committed
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    with zipfile.ZipFile(download.value.path()) as zf:
        assert "data.json" in zf.namelist()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Close my account…").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be closed yet")
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(f"Contract #{history.contract.pk} with .* is funded")
    )
    expect(page.get_by_text("Stripe keeps it under its own retention rules")).to_be_visible()
    expect(page.get_by_label("Your password")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert User.objects.get(pk=user.pk).closed_at is None
