"""The language switcher in a real browser: French for a visitor, kept on the same page, and
remembered on the account after signing in."""

import pytest
from playwright.sync_api import Page, expect

from tests.users.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_switcher_turns_the_page_french_and_the_choice_sticks_after_login(
    live_server, page: Page
):
    user = UserFactory(role="artist", email="lea@example.org", name="Léa")
    user.set_password("a-long-password-1")
    user.save()

    page.goto(f"{live_server.url}/artists/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#language-select").select_option("fr")
    page.get_by_role("button", name="Change language").click()

    expect(page).to_have_url(f"{live_server.url}/artists/")  # the same page, now in French
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Découvrir des artistes")).to_be_visible()

    page.get_by_role("link", name="Se connecter").click()
    page.locator("input[name=login]").fill("lea@example.org")
    page.locator("input[name=password]").fill("a-long-password-1")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("link", name="Mon tableau de bord")).to_be_visible()
    user.refresh_from_db()
    assert user.language == "fr"

    # A fresh browser context (no language cookie, English browser): the account decides.
    other = page.context.browser.new_context(locale="en-GB")
    fresh = other.new_page()
    fresh.goto(f"{live_server.url}/accounts/login/")
    expect(fresh.locator("html")).to_have_attribute("lang", "en")
    fresh.locator("input[name=login]").fill("lea@example.org")
    fresh.locator("input[name=password]").fill("a-long-password-1")
    fresh.locator("form button[type=submit]").last.click()
    expect(fresh.locator("html")).to_have_attribute("lang", "fr")
    other.close()
