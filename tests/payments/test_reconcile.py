"""Reconciliation both ways: money that moved at Stripe but was never recorded here (the server
died between Stripe's answer and our write) is found from our open rows and recorded once."""

import pytest

from campaigns.bookings import services as bookings
from payments import services, stripe_gateway
from payments.models import LedgerEntry, Payment, Payout
from payments.services import contract_balances, ledger_totals, reconcile
from payments.services.payouts import _payouts_prepare

from .factories import fund, signed_contract

# Plain transactions: the approval's after-commit payout task does not run, as if the server
# died right after the approval committed.
pytestmark = pytest.mark.django_db


def test_reconcile_records_a_payment_stripe_charged_while_we_were_down(stripe_api):
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    # Stripe confirms the charge; the server is killed before our success handler runs.
    intent = stripe_gateway.payment_intent_confirm(
        payment_intent_id=payment.stripe_payment_intent_id, payment_method="pm_card_visa",
        idempotency_key=payment.idempotency_key,
    )  # fmt: skip
    assert intent["status"] == "succeeded"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REQUIRES_PAYMENT

    lines = reconcile()

    payment.refresh_from_db()
    contract.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and contract.funded
    assert contract_balances(contract=contract)["escrow"] == contract.total
    assert any(f"Payment #{payment.pk}" in line and "recorded now" in line for line in lines)
    # Idempotent: a second run repairs nothing and reports nothing about it.
    assert not [line for line in reconcile() if f"Payment #{payment.pk}" in line]
    assert LedgerEntry.objects.filter(contract=contract, transaction__kind="funding").count() == 3
    assert ledger_totals() == {contract.currency: 0}


def test_reconcile_flags_an_intent_that_disagrees_with_our_payment(stripe_api):
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    stripe_gateway.payment_intent_confirm(
        payment_intent_id=payment.stripe_payment_intent_id, payment_method="pm_card_visa",
        idempotency_key=payment.idempotency_key,
    )  # fmt: skip
    Payment.objects.filter(pk=payment.pk).update(amount=payment.amount + 1)  # our books differ

    lines = reconcile()

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REQUIRES_PAYMENT
    contract.refresh_from_db()
    assert not contract.funded and not LedgerEntry.objects.exists()
    assert any(f"Payment #{payment.pk}" in line and "not recorded" in line for line in lines)


def _approved_pending_payout(stripe_api):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    bookings.milestone_approve(actor=manager, milestone=m)
    [payout] = _payouts_prepare(m.pk)
    return contract, payout


def test_reconcile_records_a_transfer_made_before_the_server_died(stripe_api):
    contract, payout = _approved_pending_payout(stripe_api)
    # The transfer milestone_pay sends; the server is killed before payout_record_transfer.
    stripe_gateway.transfer_create(
        amount=payout.amount, currency=payout.currency, destination=payout.stripe_account_id,
        transfer_group=f"aux-contract-{payout.contract_id}",
        metadata={"aux_payout_id": str(payout.pk), "aux_milestone_id": str(payout.milestone_id)},
        idempotency_key=payout.idempotency_key,
    )  # fmt: skip
    assert contract_balances(contract=contract)["artist_paid"] == 0

    lines = reconcile()

    payout.refresh_from_db()
    assert payout.status == Payout.Status.SENT and payout.stripe_transfer_id.startswith("tr_")
    assert contract_balances(contract=contract)["artist_paid"] == payout.amount
    assert any(f"Payout #{payout.pk}" in line and "recorded now" in line for line in lines)
    assert not [line for line in reconcile() if f"Payout #{payout.pk}" in line]
    assert ledger_totals() == {contract.currency: 0}


def test_reconcile_leaves_a_pending_payout_with_no_transfer_to_the_sweep(stripe_api):
    contract, payout = _approved_pending_payout(stripe_api)
    reconcile()
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING
    assert contract_balances(contract=contract)["artist_paid"] == 0
