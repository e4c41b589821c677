"""A funded contract ended early: the settlement starts from the cancellation terms, the deposit
counts toward what is owed, and the money moves through the fake Stripe (no mocks)."""

from datetime import date, timedelta

import pytest

from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract, Milestone
from payments import services
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

from .factories import fund, onboard

pytestmark = pytest.mark.django_db

TOTAL, DEPOSIT = 290_000, 50_000  # 2 shows €2,000 + 3 posts €900; 25% of the shows


def _funded(policy: str, *, days_ahead: int, capture):
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, social=True)
    artist = booking_artist(deposit_bps=2_500)
    onboard(artist.user)
    start = date.today() + timedelta(days=days_ahead)
    offer = make_offer(actor=manager, brief=brief, artist=artist, cancellation_policy=policy,
                       start_date=start, end_date=start + timedelta(days=30))  # fmt: skip
    contract = bookings.offer_accept(actor=artist.user, offer=offer).contract
    bookings.contract_sign(actor=manager, contract=contract, full_name=manager.name, confirm=True)
    bookings.contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name,
                           confirm=True)  # fmt: skip
    with capture(execute=True):
        fund(manager, contract)
    return manager, artist, Contract.objects.get(pk=contract.pk)


def test_the_brand_ending_a_strict_contract_early_pays_what_the_terms_say_deposit_included(
    stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = _funded("strict", days_ahead=60,
                                        capture=django_capture_on_commit_callbacks)  # fmt: skip
    suggestion = bookings.settlement_suggestion(contract=contract, side="brand")
    # Strict, 30+ days ahead: the brand owes 50% of the fee; the €500 deposit paid counts.
    assert (suggestion["owed"], suggestion["deposit"]) == (TOTAL // 2, DEPOSIT)
    assert suggestion["amount"] == TOTAL // 2 - DEPOSIT
    proposal = bookings.settlement_propose(actor=manager, contract=contract)  # pre-filled
    assert proposal.artist_amount == TOTAL // 2 - DEPOSIT
    with django_capture_on_commit_callbacks(execute=True):
        bookings.settlement_accept(actor=artist.user, settlement=proposal)
    balances = services.contract_balances(contract=contract)
    assert balances["artist_paid"] == TOTAL // 2  # deposit + settlement = what the terms owe
    assert balances["escrow"] == 0
    assert balances["refunds"] > 0
    live = contract.milestones.get(deliverable_type__slug="live-show")
    assert (live.status, live.approved_amount) == (Milestone.Status.PAID, TOTAL // 2)


def test_the_artist_ending_early_owes_the_deposit_back_and_the_escrow_pays_nothing(
    stripe_api, django_capture_on_commit_callbacks
):
    _manager, artist, contract = _funded("moderate", days_ahead=5,
                                         capture=django_capture_on_commit_callbacks)  # fmt: skip
    suggestion = bookings.settlement_suggestion(contract=contract, side="artist")
    # Moderate, under 14 days: the artist owes 10% of the work not handed in (set off).
    assert suggestion["band"] == 2 and suggestion["owed"] == 0 and suggestion["amount"] == 0
    assert suggestion["owes_back"] == DEPOSIT + TOTAL // 10
    proposal = bookings.settlement_propose(actor=artist.user, contract=contract)
    assert proposal.artist_amount == 0


def test_a_flexible_contract_cancelled_30_days_ahead_costs_the_brand_nothing_more(
    stripe_api, django_capture_on_commit_callbacks
):
    _manager, _artist, contract = _funded("flexible", days_ahead=45,
                                          capture=django_capture_on_commit_callbacks)  # fmt: skip
    suggestion = bookings.settlement_suggestion(contract=contract, side="brand")
    assert (suggestion["owed"], suggestion["amount"], suggestion["owes_back"]) == (0, 0, DEPOSIT)
