"""An artist completes their profile in the dashboard (htmx sections, an inline error fixed on
the way) and sees it on their public page."""

import re

import pytest
from playwright.sync_api import Page, expect

from artists.models import Artist
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, GenreFactory
from tests.users.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_artist_completes_profile_with_an_inline_error_fixed_and_sees_the_public_page(
    live_server, page: Page
):
    GenreFactory(name="Deep House", slug="deep-house")
    DeliverableTypeFactory(name="DJ set", slug="dj-set")
    artist = ArtistFactory(stage_name="Velvet Harbor", slug="velvet-harbor", monthly_listeners=0)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(artist.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/artists/dashboard/")
    meter = page.locator("#completeness progress")
    start = int(meter.get_attribute("value"))

    # Identity: a Markdown bio with a script that must never run or show.
    identity = page.locator("#section-identity")
    identity.get_by_label("Bio").fill("Hypnotic **late-night** sets. <script>alert('x')</script>")
    identity.get_by_label("Languages").fill("en, de")
    identity.get_by_role("button", name="Save identity").click()
    expect(page.locator("#section-identity").get_by_text("Identity saved.")).to_be_visible()

    # Music: a genre and a media link.
    music = page.locator("#section-music")
    music.get_by_label("Deep House").check()
    music.locator("select[name='media-0-kind']").select_option("track")
    music.locator("input[name='media-0-url']").fill("https://music.example/velvet")
    music.get_by_role("button", name="Save music & media").click()
    expect(page.locator("#section-music").get_by_text("Music & media saved.")).to_be_visible()

    # Audience: shares adding up to 1.2 are refused inline, then fixed.
    audience = page.locator("#section-audience")
    audience.get_by_label("Monthly listeners").fill("32000")
    audience.locator("select[name='countries-0-country']").select_option("DE")
    audience.locator("input[name='countries-0-share']").fill("0.7")
    audience.locator("select[name='countries-1-country']").select_option("FR")
    audience.locator("input[name='countries-1-share']").fill("0.5")
    audience.get_by_label("Ages 18–24").fill("0.6")
    audience.get_by_role("button", name="Save audience").click()
    error = page.locator("#section-audience").get_by_text(re.compile(r"The shares add up to 1\.2"))
    expect(error).to_be_visible()
    assert not Artist.objects.get(pk=artist.pk).audience_shares.exists()
    page.locator("#section-audience input[name='countries-1-share']").fill("0.2")
    page.locator("#section-audience").get_by_role("button", name="Save audience").click()
    expect(page.locator("#section-audience").get_by_text("Audience saved.")).to_be_visible()
    expect(error).to_have_count(0)

    # Rates.
    rates = page.locator("#section-rates")
    rates.locator("select[name='rates-0-deliverable_type']").select_option("dj-set")
    rates.locator("input[name='rates-0-min_fee']").fill("1500")
    rates.get_by_role("button", name="Save rates").click()
    expect(page.locator("#section-rates").get_by_text("Rates saved.")).to_be_visible()

    # The completeness meter was refreshed by the htmx saves, without a page load.
    expect(page.locator("#completeness")).not_to_contain_text("your rates")
    assert int(page.locator("#completeness progress").get_attribute("value")) > start

    page.get_by_role("link", name="/artists/velvet-harbor/", exact=True).click()
    expect(page).to_have_url(re.compile(r"/artists/velvet-harbor/$"))
    expect(page.locator(".bio strong")).to_have_text("late-night")
    expect(page.get_by_text("alert(")).to_have_count(0)
    expect(page.get_by_text("from €1,500")).to_be_visible()
    expect(page.get_by_role("link", name="https://music.example/velvet")).to_be_visible()
    expect(page.locator("svg.chart-hbar")).to_contain_text("Germany")
    expect(page.locator("svg.chart-columns")).to_contain_text("60%")
    expect(page.locator(".tag", has_text="Deep House")).to_be_visible()
    expect(page.locator(".badge.emerging")).to_be_visible()
