"""A brand manager writes a brief step by step, publishes it, reads the ranked explained list."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, GenreFactory, RateFactory
from tests.brands.factories import MembershipFactory
from tests.users.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_brand_creates_publishes_a_brief_and_sees_explained_matches(live_server, page: Page):
    live = DeliverableTypeFactory(name="Live show", slug="live-show")
    house = GenreFactory(name="House", slug="house")
    for name, listeners in [("Velvet Harbor", 900_000), ("Tiny Room", 4_000)]:
        artist = ArtistFactory(stage_name=name, monthly_listeners=listeners)
        artist.genres.set([house])
        RateFactory(artist=artist, deliverable_type=live, min_fee=300_000)
    manager = MembershipFactory(role="manager").user

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Briefs").click()
    page.get_by_role("button", name="New brief").click()

    page.get_by_label("Title").fill("Summer stages")
    page.get_by_label("Objective").select_option("live_event")
    page.get_by_label("Description").fill("Three open-air shows in July.")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Deliverable type").select_option(label="Live show")
    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("House").check()
    page.get_by_label("Wanted share of emerging artists (%)").fill("50")
    page.get_by_role("button", name="Save and continue").click()

    # A reversed range is refused with a message next to the field, nothing lost.
    page.get_by_label("Budget from").fill("8000")
    page.get_by_label("Budget up to").fill("2000")
    page.get_by_label("Start date").fill("2027-07-01")
    page.get_by_label("End date").fill("2027-07-31")
    page.get_by_role("button", name="Save brief").click()
    expect(page.get_by_text("The maximum budget must be at least the minimum.")).to_be_visible()
    page.get_by_label("Budget up to").fill("20000")
    page.get_by_role("button", name="Save brief").click()

    expect(page.get_by_role("heading", name="Summer stages")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The brief is now published.")).to_be_visible()

    page.get_by_role("button", name="See ranked matches").click()
    expect(page).to_have_url(re.compile(r"/briefs/\d+/matches/$"))
    expect(page.get_by_text("2 of 2 artists pass the hard filters.")).to_be_visible()
    expect(page.get_by_role("link", name="Velvet Harbor")).to_be_visible()
    expect(page.locator(".badge.emerging").first).to_be_visible()
    page.get_by_text("Why this score").first.click()
    expect(page.get_by_role("cell", name="Genre & mood").first).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
