"""What the browser journeys share."""

from playwright.sync_api import Browser, Page, expect

from tests.users.factories import PASSWORD


def signed_in(browser: Browser, base: str, email: str) -> Page:
    """A page in a browser context of its own, signed in as `email` (factory password)."""
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)
    return page
