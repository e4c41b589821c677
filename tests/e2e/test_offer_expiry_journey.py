"""Offers with the brand's expiry and the artist's exclusivities, through the pages (two
browsers): a 3-day offer the artist sees running out, expiring, and renewed in one click; an
offer that breaks an exclusivity, announced to the brand before sending and to the artist."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, expect

from campaigns.bookings.models import Offer
from campaigns.bookings.selectors import add_months
from campaigns.bookings.services import offers_expire_due
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_exclusive_contract
from tests.e2e.pages import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_three_day_offer_runs_out_expires_and_the_brand_renews_it_in_one_click(
    live_server, browser: Browser
):
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, title="Autumn stages")
    artist = booking_artist(stage_name="Copper Lanes")
    base = live_server.url
    brand = signed_in(browser, base, manager.email)
    band = signed_in(browser, base, artist.user.email)

    # The brand gives the artist three days to answer (the form proposes the default, 7).
    brand.goto(f"{base}/briefs/{brief.pk}/offers/new/?artist={artist.slug}")
    days = brand.get_by_label("Open for (days)")
    expect(days).to_have_value("7")
    days.fill("3")
    brand.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("Offer sent to Copper Lanes.")).to_be_visible()
    expect(brand).to_have_url(re.compile(r"/bookings/offers/\d+/$"))
    offer_url = brand.url

    # The artist sees the time left, in words.
    band.goto(offer_url)
    expect(band.get_by_text("3 days left")).to_be_visible()
    band.goto(f"{base}/artists/dashboard/")
    expect(band.get_by_text("3 days left")).to_be_visible()

    # Time passes: the offer's expiry goes by and the expiry task runs.
    offer = Offer.objects.get(artist=artist)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert offers_expire_due() == 1
    band.goto(offer_url)
    expect(band.locator(".status-expired")).to_be_visible()
    expect(band.get_by_role("button", name="Accept")).to_have_count(0)
    expect(band.get_by_role("button", name="Renew the offer")).to_have_count(0)

    # The brand renews it in one click: the same offer, open again for the default 7 days.
    brand.reload()
    brand.get_by_role("button", name="Renew the offer").click()
    expect(brand.get_by_text("Offer renewed: 7 days left.")).to_be_visible()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT and offer.awaiting == "artist"

    # The artist can answer again.
    band.reload()
    expect(band.get_by_text("7 days left")).to_be_visible()
    band.get_by_role("button", name="Accept").click()
    expect(band.get_by_text("Offer accepted: the contract is ready to sign.")).to_be_visible()


def test_the_brand_is_told_of_a_broken_exclusivity_before_sending_and_the_artist_too(
    live_server, browser: Browser
):
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, title="Winter fizz")
    artist = booking_artist(stage_name="Salt Meridian")
    # The artist signed a 6-month Beverages exclusivity with another drinks brand.
    make_exclusive_contract(artist=artist, start=brief.start_date, months=6)
    until = date_format(add_months(brief.start_date, 6), "j M Y")
    base = live_server.url
    brand = signed_in(browser, base, manager.email)
    band = signed_in(browser, base, artist.user.email)

    brand.goto(f"{base}/briefs/{brief.pk}/offers/new/?artist={artist.slug}")
    warning = f"This offer would break the artist's Beverages exclusivity until {until}."
    expect(brand.get_by_text(warning)).to_be_visible()
    brand.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("confirm to send it anyway")).to_be_visible()
    assert not Offer.objects.filter(artist=artist, brief=brief).exists()

    brand.get_by_label("I know this breaks an exclusivity the artist signed; send anyway").check()
    brand.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("Offer sent to Salt Meridian.")).to_be_visible()
    offer = Offer.objects.get(artist=artist, brief=brief)

    band.goto(f"{base}/bookings/offers/{offer.pk}/")
    expect(
        band.get_by_text(f"This offer breaks your Beverages exclusivity until {until}.")
    ).to_be_visible()
