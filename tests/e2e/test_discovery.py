"""A visitor searches artists with filters in the browser; the results update in place (htmx)
and the address bar carries the filters, so the search can be shared."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.artists.test_discovery import make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def card_names(page: Page) -> list[str]:
    return page.locator("#results .artist-card h3 a").all_inner_texts()


def expect_cards(page: Page, names: list[str]) -> None:
    """Waits (htmx swaps asynchronously) until exactly these artists are listed, in order."""
    expect(page.locator("#results .artist-card h3 a")).to_have_text(names)


def test_visitor_filters_artists_and_the_list_updates_without_reload(live_server, page: Page):
    make_world()
    console_errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.goto(f"{live_server.url}/artists/")
    expect(page.locator("#result-count")).to_have_text("3 artists found")
    # A marker on the window survives htmx swaps but not a full page load.
    page.evaluate("window.__noReload = true")

    page.get_by_text("Genres", exact=True).click()
    page.get_by_label("House").check()
    expect(page.locator("#result-count")).to_have_text("2 artists found")
    expect_cards(page, ["Golden Rivers", "Velvet Harbor"])

    page.get_by_label("Verified only").check()
    expect(page.locator("#result-count")).to_have_text("1 artist found")
    expect_cards(page, ["Golden Rivers"])
    expect(page).to_have_url(re.compile(r"genre=house"))
    expect(page).to_have_url(re.compile(r"verified=on"))

    page.get_by_label("Verified only").uncheck()
    expect_cards(page, ["Golden Rivers", "Velvet Harbor"])
    page.get_by_label("Search").fill("hypnotic")
    expect_cards(page, ["Velvet Harbor"])
    expect(page.locator("#result-count")).to_have_text("1 artist found")
    expect(page).to_have_url(re.compile(r"q=hypnotic"))
    assert page.evaluate("window.__noReload") is True
    assert console_errors == []

    # The address bar is shareable: loading it directly gives the same results and form.
    shared = page.url
    assert "verified" not in shared
    page.goto(shared)
    assert card_names(page) == ["Velvet Harbor"]
    expect(page.get_by_label("Search")).to_have_value("hypnotic")
    expect(page.get_by_label("House")).to_be_checked()


def test_a_shared_url_with_a_bad_filter_shows_a_clear_message(live_server, page: Page):
    make_world()
    # The form itself refuses -5 (min="0"), so such a value only comes from an edited URL.
    page.goto(f"{live_server.url}/artists/?listeners_min=-5&genre=polka")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Some filters are not valid")
    expect(alert).to_contain_text("Monthly listeners from")
    expect(alert).to_contain_text("polka is not one of the available choices")
    assert card_names(page) == []
