"""A visitor signs up as an artist in a real browser, confirms the address and lands on their
dashboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from artists.models import Artist

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_artist_signs_up_in_the_browser_and_sees_the_dashboard(live_server, page: Page):
    page.goto(live_server.url)
    page.get_by_role("button", name="Sign up").click()

    page.get_by_label("an artist").check()
    page.get_by_label("Your name").fill("Lena Berg")
    page.get_by_label("Stage name").fill("Velvet Harbor")
    page.get_by_label("Email").fill("lena@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create my account").click()

    # The address counts once confirmed (ACCOUNT_EMAIL_VERIFICATION = mandatory).
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + "/accounts/" + link.split("/accounts/", 1)[1])
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/artists/dashboard/$"))
    expect(page.get_by_role("heading", name="Welcome, Lena Berg")).to_be_visible()
    expect(page.get_by_role("heading", name="Velvet Harbor")).to_be_visible()
    expect(page.get_by_role("link", name="My dashboard")).to_be_visible()
    assert Artist.objects.get(slug="velvet-harbor").user.email == "lena@example.com"


def test_brand_form_errors_are_shown_and_nothing_is_created(live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("a brand").check()
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_text("Tell us the name of your brand.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
