"""The whole booking, each step through the pages as the side whose turn it is (two browsers):
brand offers → artist counters → brand accepts → both sign → artist submits → brand approves."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from campaigns.bookings.models import Contract, Milestone, Offer
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief
from tests.e2e.pages import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_brand_offers_artist_counters_brand_accepts_both_sign_artist_submits_brand_approves(
    live_server, browser: Browser
):
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, title="Summer stages")
    artist = booking_artist(stage_name="Velvet Harbor")
    base = live_server.url
    brand = signed_in(browser, base, manager.email)
    band = signed_in(browser, base, artist.user.email)

    # The brand offers: the form is prefilled with the artist's minimum (2 × €1,000).
    brand.goto(f"{base}/briefs/{brief.pk}/offers/new/?artist={artist.slug}")
    fee = brand.get_by_label("2 × Live show (EUR)")
    expect(fee).to_have_value("2000")
    fee.fill("1800")
    brand.get_by_label("Message").fill("Two open-air shows in July?")
    brand.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("Offer sent to Velvet Harbor.")).to_be_visible()
    expect(brand).to_have_url(re.compile(r"/bookings/offers/\d+/$"))
    offer_url = brand.url
    expect(
        brand.get_by_text("A fee in this offer is below the artist's stated minimum.")
    ).to_be_visible()

    # The artist counters with a higher fee.
    band.goto(offer_url)
    expect(band.get_by_text("waiting for the Artist")).to_be_visible()
    band.get_by_text("Counter-offer", exact=True).click()
    band.get_by_label("2 × Live show (EUR)").fill("2400")
    band.get_by_role("button", name="Send counter-offer").click()
    expect(band.get_by_text("Counter-offer sent.")).to_be_visible()
    expect(band.get_by_text("Revision 2 by the Artist")).to_be_visible()

    # The brand accepts the counter: the contract is created.
    brand.reload()
    expect(brand.get_by_text("Revision 2 by the Artist")).to_be_visible()
    brand.get_by_role("button", name="Accept").click()
    expect(brand.get_by_text("Offer accepted: the contract is ready to sign.")).to_be_visible()
    expect(brand).to_have_url(re.compile(r"/bookings/contracts/\d+/$"))
    contract_url = brand.url
    expect(brand.locator("pre.terms")).to_contain_text("Velvet Harbor")

    # Both sign by typing their name and confirming.
    for page, user in ((brand, manager), (band, artist.user)):
        page.goto(contract_url)
        page.get_by_label("Your full name").fill(user.name)
        page.get_by_label("I have read the terms above and agree to them").check()
        page.get_by_role("button", name="Sign the contract").click()
        expect(page.get_by_text("Signed.", exact=True)).to_be_visible()
    contract = Contract.objects.get(offer__artist=artist)
    assert contract.status == Contract.Status.ACTIVE and contract.total == 240_000
    assert contract.signatures.count() == 2

    # Funding goes through Stripe (tests/payments covers it); here the escrow is simply marked.
    Contract.objects.filter(pk=contract.pk).update(funded=True, funded_at=timezone.now())

    # The artist submits the deliverable with proof.
    band.goto(contract_url)
    # The submit form's own fields: the page holds other notes (results, settlement).
    submit = band.locator("form[action$='/submit/']")
    submit.get_by_label("Note (optional)", exact=True).fill("Both shows played; set lists sent.")
    submit.get_by_label("Links").fill("https://example.com/shows")
    submit.get_by_role("button", name="Submit for review").click()
    expect(band.get_by_text("Deliverable submitted for review.")).to_be_visible()

    # The brand approves it: the contract completes.
    brand.goto(contract_url)
    expect(brand.get_by_role("link", name="https://example.com/shows")).to_be_visible()
    brand.get_by_role("button", name="Approve").click()
    expect(brand.get_by_text("Deliverable approved.")).to_be_visible()
    milestone = Milestone.objects.get(contract=contract)
    assert milestone.status == Milestone.Status.APPROVED and milestone.approved_by == manager
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert Offer.objects.get().revisions.count() == 2
