"""Brands fund a contract's escrow: quote, PaymentIntent, and its result recorded once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.dispatch import enqueue
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.money import MAX_CHARGE_AMOUNT, fee_for, format_money, platform_fee_bps
from aux.users.models import User
from brands.models import Membership
from brands.selectors import brand_role
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract

from .. import stripe_gateway as gateway
from ..models import LedgerTransaction, Payment, PaymentAccount
from ._common import (
    Account,
    LedgerInvariantError,
    StripeMismatchError,
    _now,
    logger,
)
from .ledger import ledger_post
from .splits import contract_payees_freeze

TEST_PAYMENT_METHODS = {
    "pm_card_visa": "Visa, succeeds (4242 4242 4242 4242)",
    "pm_card_chargeCustomerFail": "Card declined (4000 0000 0000 0341)",
}


def contract_funding_quote(*, contract: Contract) -> dict[str, Any]:
    """What the brand pays: the contract total plus the platform fee (shown before paying)."""
    bps = platform_fee_bps()
    fee = fee_for(contract.total, bps)
    return {
        "amount": contract.total, "fee": fee, "fee_bps": bps, "gross": contract.total + fee,
        "currency": contract.currency,
    }  # fmt: skip


def payees_missing_payouts(*, contract: Contract) -> list[User]:
    """The payees whose Stripe account cannot receive transfers yet."""
    payees = contract_payees_freeze(contract=contract)
    ready = set(
        PaymentAccount.objects.filter(
            user_id__in=[p.user_id for p in payees], payouts_enabled=True, transfers_active=True
        ).values_list("user_id", flat=True)
    )
    return [p.user for p in payees if p.user_id not in ready]


def check_can_fund(*, actor: User, contract: Contract) -> None:
    role = brand_role(user=actor, brand=contract.brand)
    if role is None and not actor.is_staff:
        raise NotFoundError(gettext("No such contract."))
    if role not in (Membership.Role.OWNER, Membership.Role.MANAGER):
        raise PermissionDeniedError(
            gettext("Only the brand's owners and managers can fund a contract.")
        )


def _check_fundable(contract: Contract) -> None:
    if contract.funded:
        raise ConflictError(gettext("This contract is funded already."))
    if contract.status != Contract.Status.ACTIVE:
        raise ConflictError(
            gettext(
                "This contract is %(status)s; only an active contract (signed by both sides) can "
                "be funded."
            )
            % {"status": contract.get_status_display().lower()}
        )
    if contract.total <= 0:
        raise ConflictError(gettext("This contract has nothing to fund."))
    gross = contract_funding_quote(contract=contract)["gross"]
    if gross > MAX_CHARGE_AMOUNT:  # offers refuse such totals; this guards older contracts
        raise ConflictError(
            gettext(
                "With the platform fee this contract would charge %(gross)s, more than Stripe "
                "can take in one payment (%(limit)s); ask staff to split it."
            )
            % {
                "gross": format_money(gross, contract.currency),
                "limit": format_money(MAX_CHARGE_AMOUNT, contract.currency),
            }
        )
    missing = payees_missing_payouts(contract=contract)
    if missing:
        names = ", ".join(u.name or u.email for u in missing)
        raise ConflictError(
            gettext(
                "The artist has not finished setting up payouts yet (%(names)s); the contract can"
                " be funded once they have."
            )
            % {"names": names}
        )


def payment_start(*, actor: User, contract: Contract) -> Payment:
    """Open (or reuse) the contract's PaymentIntent for total + fee; returns the Payment.

    The row and its key are committed before Stripe is called, so a retry reuses the same key.
    """
    check_can_fund(actor=actor, contract=contract)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        _check_fundable(contract)
        payment = (
            Payment.objects.filter(contract=contract, status=Payment.Status.REQUIRES_PAYMENT)
            .order_by("-pk")
            .first()
        )
        if payment is None:
            quote = contract_funding_quote(contract=contract)
            attempt = Payment.objects.filter(contract=contract).count() + 1
            payment = Payment.objects.create(
                contract=contract, created_by=actor, amount=quote["amount"], fee=quote["fee"],
                fee_bps=quote["fee_bps"], currency=contract.currency,
                idempotency_key=f"aux-fund-c{contract.pk}-a{attempt}",
            )  # fmt: skip
            audit_record(actor=actor, verb="payment.start", target=payment, gross=payment.gross)
    if not payment.stripe_payment_intent_id:
        intent = gateway.payment_intent_create(
            amount=payment.gross, currency=payment.currency,
            metadata={"aux_payment_id": str(payment.pk), "aux_contract_id": str(contract.pk)},
            idempotency_key=payment.idempotency_key,
        )  # fmt: skip
        Payment.objects.filter(pk=payment.pk).update(
            stripe_payment_intent_id=intent["id"], client_secret=intent.get("client_secret", "")
        )
        payment.refresh_from_db()
    return payment


def payment_pay_test(*, actor: User, payment: Payment, payment_method: str) -> Payment:
    """Confirm the PaymentIntent server-side with a Stripe test PaymentMethod (test mode only)."""
    check_can_fund(actor=actor, contract=payment.contract)
    if payment_method not in TEST_PAYMENT_METHODS:
        raise ValidationError({"payment_method": gettext("Choose one of the test cards.")})
    if payment.status != Payment.Status.REQUIRES_PAYMENT or not payment.stripe_payment_intent_id:
        raise ConflictError(gettext("This payment is not waiting for a card."))
    try:
        intent = gateway.payment_intent_confirm(
            payment_intent_id=payment.stripe_payment_intent_id, payment_method=payment_method,
            idempotency_key=payment.idempotency_key,
        )  # fmt: skip
    except gateway.PaymentRejectedError as e:
        payment_failed(payment=payment, message=str(e))
        raise
    return payment_sync(intent=intent)


def _intent_mismatch(payment: Payment, intent: dict[str, Any]) -> str:
    """Why Stripe's PaymentIntent is not this payment's ("" when it is)."""
    metadata = intent.get("metadata") or {}
    if payment.stripe_payment_intent_id and payment.stripe_payment_intent_id != intent.get("id"):
        return f"payment #{payment.pk} has PaymentIntent {payment.stripe_payment_intent_id}"
    if intent.get("amount") != payment.gross:
        return f"amount {intent.get('amount')} at Stripe, {payment.gross} here"
    if str(intent.get("currency") or "").lower() != payment.currency.lower():
        return f"currency {intent.get('currency')} at Stripe, {payment.currency} here"
    if metadata.get("aux_payment_id") != str(payment.pk) or metadata.get("aux_contract_id") != str(
        payment.contract_id
    ):
        return f"metadata {metadata} does not name payment #{payment.pk}"
    if gateway.made_elsewhere(intent):
        return f"made for another database ({metadata.get('aux_db')})"
    return ""


def payment_sync(*, intent: dict[str, Any]) -> Payment:
    """Apply a PaymentIntent's state, as Stripe returned it (a confirm response, or a retrieve
    for a webhook or the reconciliation), to our Payment, after checking it is that payment's:
    same id, amount, currency and metadata, or StripeMismatchError and nothing changes."""
    payment = Payment.objects.filter(stripe_payment_intent_id=intent["id"]).first()
    if payment is None:
        payment_id = str((intent.get("metadata") or {}).get("aux_payment_id") or "")
        payment = Payment.objects.filter(pk=payment_id).first() if payment_id.isdigit() else None
    if payment is None:
        raise NotFoundError(gettext("No payment for %(value)s.") % {"value": intent["id"]})
    mismatch = _intent_mismatch(payment, intent)
    if mismatch:
        raise StripeMismatchError(f"PaymentIntent {intent['id']} is not ours: {mismatch}.")
    if not payment.stripe_payment_intent_id:  # created at Stripe, the id never stored here
        Payment.objects.filter(
            Q(stripe_payment_intent_id__isnull=True) | Q(stripe_payment_intent_id=""),
            pk=payment.pk,
        ).update(stripe_payment_intent_id=intent["id"])
    status = intent.get("status")
    if status == "succeeded":
        return payment_succeeded(payment=payment, amount_received=intent.get("amount"))
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return payment_failed(payment=payment, message=intent["last_payment_error"]["message"])
    return payment


@transaction.atomic
def payment_succeeded(*, payment: Payment, amount_received: int | None = None) -> Payment:
    """The money arrived: escrow the total, book the fee, mark the contract funded. Idempotent."""
    contract = Contract.objects.select_for_update().get(pk=payment.contract_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.SUCCEEDED:
        return payment
    if amount_received is not None and amount_received != payment.gross:
        raise LedgerInvariantError(gettext("Stripe charged another amount than the payment's."))
    if contract.funded:
        # A second attempt succeeded too: keep the books true and flag it for a refund by staff.
        logger.error("contract %s funded twice (payment %s)", contract.pk, payment.pk)
    payment.status, payment.succeeded_at = Payment.Status.SUCCEEDED, _now()
    payment.save(update_fields=["status", "succeeded_at"])
    ledger_post(
        kind=LedgerTransaction.Kind.FUNDING, key=f"fund:{payment.pk}", contract=contract,
        payment=payment, memo=f"Contract #{contract.pk} funded",
        lines=[(Account.BRAND_CASH, -payment.gross, None), (Account.ESCROW, payment.amount, None),
               (Account.PLATFORM_FEE, payment.fee, None)],
    )  # fmt: skip
    # The contract's side of it (its state, the lapse of open requests, the audit and the
    # notices) is the bookings' rule: recorded by their service, like every other change.
    bookings.contract_mark_funded(contract_id=contract.pk, payment_id=payment.pk,
                                  gross=payment.gross)  # fmt: skip
    if contract.deposit_amount > 0:
        # Paid at once, after commit (a task: Stripe is never called under a lock).
        transaction.on_commit(lambda: deposit_schedule(contract_id=contract.pk))
    return payment


@transaction.atomic
def payment_failed(*, payment: Payment, message: str) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
        return payment
    payment.status, payment.failure_message = Payment.Status.FAILED, message[:500]
    payment.save(update_fields=["status", "failure_message"])
    audit_record(actor=None, verb="payment.fail", target=payment, message=payment.failure_message)
    return payment


def deposit_schedule(*, contract_id: int) -> None:
    """Enqueue the deposit task (payments.services.deposits.deposit_pay) after funding."""
    from ..tasks import pay_deposit  # the task module imports the services

    enqueue(pay_deposit, contract_id)


def contract_funded_payment(contract: Contract) -> Payment | None:
    return contract.payments.filter(status=Payment.Status.SUCCEEDED).first()
