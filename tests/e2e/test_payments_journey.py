"""The money path in two browsers against the fake Stripe: the brand funds a signed contract with a
test card, approves a deliverable, and the artist sees the payout on their earnings page."""

import re

import pytest
from playwright.sync_api import Browser, expect

from aux.money import format_money
from campaigns.bookings import services as bookings
from payments.models import Payout
from payments.services import contract_funding_quote
from tests.payments.factories import signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

from .test_booking_journey import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_brand_funds_with_a_test_card_approves_and_the_artist_sees_the_payout(
    live_server, browser: Browser, stripe_api
):
    manager, artist, contract = signed_contract()
    base = live_server.url
    brand = signed_in(browser, base, manager.email)
    band = signed_in(browser, base, artist.user.email)
    contract_url = f"{base}/bookings/contracts/{contract.pk}/"
    gross = format_money(contract_funding_quote(contract=contract)["gross"], contract.currency)

    # The brand sees the total, the fee and what it pays (test mode), and pays with the test Visa.
    brand.goto(contract_url)
    brand.get_by_role("button", name="Fund this contract").click()
    expect(brand.get_by_text("TEST MODE", exact=True)).to_be_visible()
    expect(brand.get_by_role("row", name=re.compile("You pay"))).to_contain_text(gross)
    brand.get_by_role("button", name=f"Pay {gross} (test mode)").click()
    expect(brand.get_by_text("Test payment received: the contract is funded.")).to_be_visible()
    expect(brand.locator("#funding")).to_contain_text("Funded")
    contract.refresh_from_db()
    assert contract.funded

    # The artist hands in the first deliverable (the booking journey test drives that form).
    first = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=first, note="Played.",
                              disclosure_confirmed=True)  # fmt: skip

    # The brand approves it: the payout goes out at once (eager task, transfer on the fake Stripe).
    brand.goto(contract_url)
    brand.get_by_role("button", name="Approve").click()
    expect(brand.get_by_text("Deliverable approved.")).to_be_visible()
    payout = Payout.objects.get(milestone=first)
    assert payout.status == Payout.Status.SENT and payout.stripe_transfer_id.startswith("tr_")

    # The artist sees it on their earnings page: the payout row, the ledger line and the total.
    paid = format_money(first.amount, first.currency)
    band.goto(f"{base}/payments/earnings/")
    row = band.get_by_role("row", name=re.compile(re.escape(first.title)))
    expect(row.first).to_contain_text("Sent")
    expect(row.first).to_contain_text(paid)
    expect(band.get_by_text(f"Paid out: {paid}")).to_be_visible()
