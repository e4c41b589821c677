"""Unspent escrow goes back to the brand: on cancellation, a dispute's decision, or by staff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.dispatch import enqueue, enqueue_on_commit
from aux.errors import PermissionDeniedError
from aux.users.models import User
from campaigns.bookings.models import Contract, Dispute, Milestone

from .. import stripe_gateway as gateway
from ..ledger import fee_refund_part
from ..models import LedgerTransaction, Payout, Refund
from ._common import Account, _now, logger
from .funding import contract_funded_payment
from .ledger import contract_balances, ledger_post
from .payouts import milestone_payable


def _unspent(contract: Contract) -> int:
    """Escrow not yet paid out nor owed to an approved, unpaid deliverable."""
    balance = contract_balances(contract=contract)[Account.ESCROW]
    owed = 0
    for m in contract.milestones.filter(status=Milestone.Status.APPROVED):
        sent = m.payouts.filter(status=Payout.Status.SENT).aggregate(s=Sum("amount"))["s"] or 0
        owed += milestone_payable(m) - sent
    return max(balance - owed, 0)


def contract_unspent_escrow(*, contract: Contract) -> int:
    """What a settlement may still give the artist: escrow not paid out nor owed to an approved
    deliverable (the rest of it is refunded when the contract ends). Registered with
    campaigns.bookings.hooks in PaymentsConfig.ready() for settlement_limit."""
    return _unspent(contract)


def refund_issue(
    *, contract_id: int, key: str, reason: str, amount: int | None = None
) -> Refund | None:
    """Refund `amount` of escrow (all the unspent escrow when None) plus its share of the fee.

    `key` names the cause ("cancel", "dispute-<id>"): one refund per cause, whatever the retries.
    Returns None when there is nothing to refund (an unfunded contract, an empty escrow).
    """
    idem = f"aux-refund-c{contract_id}-{key}"
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        refund = Refund.objects.filter(idempotency_key=idem).first()
        if refund is None:
            payment = contract_funded_payment(contract)
            if payment is None:
                return None
            unspent = _unspent(contract)
            wanted = unspent if amount is None else min(amount, unspent)
            if wanted <= 0:
                return None
            before = (
                Refund.objects.filter(payment=payment).exclude(status=Refund.Status.FAILED)
                .aggregate(s=Sum("amount"))["s"] or 0
            )  # fmt: skip
            fee_part = fee_refund_part(
                fee=payment.fee, amount=payment.amount, refunded_before=before, refunding=wanted
            )
            refund = Refund.objects.create(
                payment=payment, contract=contract, amount=wanted, fee_amount=fee_part,
                currency=contract.currency, reason=reason[:200], idempotency_key=idem,
            )  # fmt: skip
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    try:
        data = gateway.refund_create(
            payment_intent_id=refund.payment.stripe_payment_intent_id, amount=refund.total,
            metadata={"aux_refund_id": str(refund.pk), "aux_contract_id": str(contract_id)},
            idempotency_key=refund.idempotency_key,
        )  # fmt: skip
    except gateway.PaymentRejectedError as e:
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED, failure_message=str(e)[:500]
        )
        logger.error("refund %s failed: %s", refund.pk, e)
        return refund
    return refund_record(refund_id=refund.pk, stripe_refund=data)


@transaction.atomic
def refund_record(*, refund_id: int, stripe_refund: dict[str, Any]) -> Refund:
    """The refund went through: escrow and fee → refunds to the brand. Idempotent."""
    refund = Refund.objects.get(pk=refund_id)
    contract = Contract.objects.select_for_update().get(pk=refund.contract_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    refund.status, refund.succeeded_at = Refund.Status.SUCCEEDED, _now()
    refund.stripe_refund_id = stripe_refund["id"]
    refund.save(update_fields=["status", "succeeded_at", "stripe_refund_id"])
    ledger_post(
        kind=LedgerTransaction.Kind.REFUND, key=f"refund:{refund.pk}", contract=contract,
        refund=refund, memo=refund.reason,
        lines=[(Account.ESCROW, -refund.amount, None),
               (Account.PLATFORM_FEE, -refund.fee_amount, None),
               (Account.REFUNDS, refund.total, None)],
    )  # fmt: skip
    audit_record(actor=None, verb="refund.sent", target=refund, amount=refund.amount,
                 fee=refund.fee_amount)  # fmt: skip
    return refund


def on_contract_cancelled(*, contract_id: int) -> None:
    """After commit of a cancellation: refund whatever escrow is unspent (in a task)."""
    from ..tasks import refund_contract  # the task module imports the services

    enqueue(refund_contract, contract_id, "cancel", "Contract cancelled", None)


def on_dispute_resolved(*, dispute_id: int) -> bool:
    """After commit of a decision: refund what the brand does not pay for this deliverable, of
    what the escrow holds for it (its fee minus its part of the deposit, paid out on funding).
    False when there is nothing to refund or the task could not be queued."""
    from ..tasks import refund_contract  # the task module imports the services

    dispute = Dispute.objects.select_related("milestone").get(pk=dispute_id)
    m = dispute.milestone
    escrowed = m.amount - m.deposit_amount
    if dispute.decision == Dispute.Decision.CANCEL:
        amount = escrowed
    elif dispute.decision == Dispute.Decision.PARTIAL and dispute.amount is not None:
        amount = escrowed - max(dispute.amount - m.deposit_amount, 0)
    else:
        return False
    if amount <= 0:
        return False
    return enqueue(
        refund_contract, m.contract_id, f"dispute-{dispute.pk}",
        f"Dispute on {m.title}: {dispute.decision}", amount,
    )  # fmt: skip


@transaction.atomic
def refund_staff(*, actor: User, contract: Contract, amount: int | None, reason: str) -> None:
    """Staff refund from the admin: the same path as every other refund."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff issue refunds by hand."))
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext("Say why.")})
    n = Refund.objects.filter(contract=contract).count() + 1
    key = f"staff-{n}"
    audit_record(actor=actor, verb="refund.request", target=contract, amount=amount, reason=reason)
    from ..tasks import refund_contract  # the task module imports the services

    cid = contract.pk
    enqueue_on_commit(refund_contract, cid, key, reason.strip(), amount)
