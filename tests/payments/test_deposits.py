"""The deposit: paid once on funding through the payout path (fake Stripe over HTTP, no mocks),
then each deliverable pays its fee minus its deposit part; refunds never take it back."""

import json
import time

import pytest

from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract
from payments import services, stripe_gateway
from payments.models import LedgerTransaction, Payout, Refund
from payments.selectors import artist_earnings_report
from payments.statements import yearly_statement
from tests.users.factories import UserFactory

from .factories import fund, onboard, signed_contract

pytestmark = pytest.mark.django_db

LIVE, SOCIAL, DEPOSIT = 200_000, 90_000, 50_000  # 25% of the live fees


def _webhook(client, event_id: str, intent_id: str):
    payload = json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.succeeded",
        "created": int(time.time()), "data": {"object": {"object": "payment_intent",
                                                         "id": intent_id}},
    }).encode()  # fmt: skip
    header = stripe_gateway.webhook_signature(payload=payload, timestamp=int(time.time()))
    return client.post("/payments/stripe/webhook/", data=payload,
                       content_type="application/json", HTTP_STRIPE_SIGNATURE=header)  # fmt: skip


def _transfers(contract):
    return stripe_gateway.transfer_list(transfer_group=f"aux-contract-{contract.pk}")


def test_the_contract_freezes_the_deposit_on_its_live_deliverables_to_the_cent(stripe_api):
    _manager, artist, contract = signed_contract(deposit_bps=2_500)
    parts = dict(contract.milestones.values_list("deliverable_type__slug", "deposit_amount"))
    assert (contract.deposit_bps, contract.deposit_amount) == (2_500, DEPOSIT)
    assert parts == {"live-show": DEPOSIT, "social-post": 0}
    assert "Deposit: 25% of the fees of live work, €500" in contract.terms_text
    # The artist's later change does not touch a signed contract.
    artist.deposit_bps = 5_000
    artist.save()
    contract.refresh_from_db()
    assert contract.deposit_amount == DEPOSIT


def test_a_retried_funding_webhook_pays_the_deposit_once(
    client, stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = signed_contract(deposit_bps=2_500)
    payment = services.payment_start(actor=manager, contract=contract)
    stripe_gateway.payment_intent_confirm(payment_intent_id=payment.stripe_payment_intent_id,
                                          payment_method="pm_card_visa",
                                          idempotency_key=payment.idempotency_key)  # fmt: skip
    for event_id in ("evt_fund_1", "evt_fund_2", "evt_fund_1"):  # a retry, then a replay
        with django_capture_on_commit_callbacks(execute=True):
            assert _webhook(client, event_id, payment.stripe_payment_intent_id).status_code == 200
    services.deposit_pay(contract_id=contract.pk)  # the sweep or a retried task: nothing more
    (deposit,) = Payout.objects.filter(contract=contract, milestone__isnull=True)
    assert (deposit.status, deposit.amount, deposit.payee_id) == ("sent", DEPOSIT, artist.user_id)
    assert [t["amount"] for t in _transfers(contract)] == [DEPOSIT]
    assert LedgerTransaction.objects.filter(contract=contract, kind="deposit").count() == 1
    balances = services.contract_balances(contract=contract)
    assert (balances["escrow"], balances["artist_paid"]) == (LIVE + SOCIAL - DEPOSIT, DEPOSIT)
    assert Contract.objects.get(pk=contract.pk).funded


def test_each_deliverable_pays_its_fee_minus_its_deposit_part_and_the_totals_are_exact(
    stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = signed_contract(deposit_bps=2_500)
    with django_capture_on_commit_callbacks(execute=True):
        fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        for m in contract.milestones.order_by("pk"):
            bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                                      disclosure_confirmed=True)  # fmt: skip
            bookings.milestone_approve(actor=manager, milestone=m)
    paid = {p.milestone.deliverable_type.slug if p.milestone else "deposit": p.amount
            for p in Payout.objects.filter(contract=contract, status="sent")}  # fmt: skip
    assert paid == {"deposit": DEPOSIT, "live-show": LIVE - DEPOSIT, "social-post": SOCIAL}
    assert sum(t["amount"] for t in _transfers(contract)) == contract.total
    assert services.contract_balances(contract=contract)["escrow"] == 0
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert set(contract.milestones.values_list("status", flat=True)) == {"paid"}
    # The artist's earnings and statement show the deposit as paid, labelled.
    totals = artist_earnings_report(user=artist.user)["totals"][0]
    assert (totals["paid"], totals["deposits_paid"]) == (contract.total, DEPOSIT)
    year = contract.funded_at.year
    labels = [line.milestone for line in yearly_statement(user=artist.user, year=year)["lines"]]
    assert "Deposit" in labels


def test_cancelling_a_funded_contract_refunds_the_escrow_but_never_the_deposit(
    stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = signed_contract(deposit_bps=2_500)
    with django_capture_on_commit_callbacks(execute=True):
        fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.contract_cancel(actor=manager, contract=contract, reason="show moved")
        bookings.contract_cancel(actor=artist.user, contract=contract, reason="agreed")
    balances = services.contract_balances(contract=contract)
    assert balances["artist_paid"] == DEPOSIT
    assert balances["escrow"] == 0
    assert balances["refunds"] > 0
    assert Payout.objects.get(contract=contract, milestone__isnull=True).status == "sent"


def test_the_deposit_is_shared_with_co_owners_by_their_frozen_shares(
    stripe_api, django_capture_on_commit_callbacks
):
    from campaigns.bookings.services import contract_sign, offer_accept
    from tests.brands.factories import MembershipFactory
    from tests.campaigns.factories import booking_artist, booking_brief, make_offer

    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand)
    artist = booking_artist(deposit_bps=2_500)
    onboard(artist.user)
    drummer = UserFactory()
    onboard(drummer)
    contract = offer_accept(
        actor=artist.user, offer=make_offer(actor=manager, brief=brief, artist=artist)
    ).contract
    (split,) = services.contract_splits_propose(
        actor=artist.user, contract=contract, artist_share="66.67",
        co_owners=[{"email": drummer.email, "share": "33.33"}],
    )  # fmt: skip
    services.contract_split_accept(actor=drummer, split_id=split.pk)
    contract_sign(actor=manager, contract=contract, full_name=manager.name, confirm=True)
    contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        fund(manager, contract)
    paid = dict(Payout.objects.filter(contract=contract, milestone__isnull=True)
                .values_list("payee_id", "amount"))  # fmt: skip
    assert paid == {artist.user_id: 33_335, drummer.pk: 16_665}  # largest remainder, exact
    assert sum(paid.values()) == DEPOSIT


def test_a_partial_dispute_award_counts_the_deposit_already_paid(
    stripe_api, django_capture_on_commit_callbacks, staff_user
):
    manager, artist, contract = signed_contract(deposit_bps=2_500)
    with django_capture_on_commit_callbacks(execute=True):
        fund(manager, contract)
    live = contract.milestones.get(deliverable_type__slug="live-show")
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=live, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        dispute = bookings.dispute_open(actor=manager, milestone=live, reason="short set")
    with django_capture_on_commit_callbacks(execute=True):
        bookings.dispute_resolve(actor=staff_user, dispute=dispute, decision="partial",
                                 decision_text="60%", amount=120_000)  # fmt: skip
    # The artist gets 120,000 for the show in all: the 50,000 deposit and 70,000 now; the
    # escrow's other 80,000 for it goes back to the brand.
    (payout,) = Payout.objects.filter(milestone=live)
    assert (payout.amount, payout.status) == (120_000 - DEPOSIT, "sent")
    balances = services.contract_balances(contract=contract)
    assert balances["artist_paid"] == 120_000
    assert balances["escrow"] == SOCIAL
    assert Refund.objects.get(contract=contract).amount == LIVE - 120_000
