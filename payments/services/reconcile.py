"""Our books against Stripe's and against themselves; the sweep that re-queues lost work."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum

from aux.dispatch import enqueue
from aux.errors import ApplicationError
from aux.notifications.services import periodic_send_claim
from campaigns.bookings.models import Contract, Dispute, Milestone

from .. import stripe_gateway as gateway
from ..models import LedgerEntry, Payment, Payout, Refund, WebhookEvent
from ._common import Account, _now, logger
from .funding import payment_sync
from .ledger import contract_balances, ledger_totals
from .payouts import payout_record_transfer
from .refunds import on_dispute_resolved
from .webhooks import webhook_process

# Failed payments are looked at this long: Stripe keeps their PaymentIntent open for another card.
RECONCILE_FAILED_PAYMENT_DAYS = 7


def reconcile() -> list[str]:
    """Compare our books with Stripe both ways and with themselves; return (and log, and mail to
    staff) one line per difference: what was repaired, and what could only be flagged.

    - Pending webhook events are processed again.
    - Stripe → us: every open (or recently failed) Payment's PaymentIntent is read; one that
      succeeded at Stripe without our record (the server died after Stripe's answer) is recorded
      now through `payment_sync`, the webhook's path. Every pending or failed Payout is looked
      for among its contract's transfers (by the payout id in their metadata); a transfer that
      exists without our record is recorded through `payout_record_transfer`. Both idempotent.
    - Us → Stripe: every succeeded Payment and sent Payout is checked against Stripe's object.
    - The ledger sums to zero and agrees with the payouts sent.
    """
    problems: list[str] = []
    for event in WebhookEvent.objects.filter(processed_at__isnull=True).order_by("pk")[:500]:
        webhook_process(event=event)
    problems += _reconcile_open_payments()
    problems += _reconcile_open_payouts()
    for currency, total in ledger_totals().items():
        if total != 0:
            problems.append(f"Ledger entries in {currency} sum to {total}, not 0.")
    for payment in Payment.objects.filter(status=Payment.Status.SUCCEEDED):
        try:
            intent = gateway.payment_intent_retrieve(payment.stripe_payment_intent_id)
        except gateway.PaymentError as e:
            problems.append(f"Payment #{payment.pk}: Stripe says {e.message}")
            continue
        if intent.get("status") != "succeeded" or intent.get("amount") != payment.gross:
            problems.append(
                f"Payment #{payment.pk}: Stripe has {intent.get('status')} "
                f"{intent.get('amount')}, we have succeeded {payment.gross}."
            )
    for payout in Payout.objects.filter(status=Payout.Status.SENT):
        try:
            transfer = gateway.transfer_retrieve(payout.stripe_transfer_id)
        except gateway.PaymentError as e:
            problems.append(f"Payout #{payout.pk}: Stripe says {e.message}")
            continue
        if transfer.get("amount") != payout.amount or transfer.get("destination") != (
            payout.stripe_account_id
        ):
            problems.append(f"Payout #{payout.pk}: transfer {transfer.get('id')} differs.")
    for contract_id in (
        LedgerEntry.objects.values_list("contract_id", flat=True).distinct().order_by()
    ):
        contract = Contract.objects.get(pk=contract_id)
        balances = contract_balances(contract=contract)
        paid = (
            Payout.objects.filter(contract=contract, status=Payout.Status.SENT).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        if balances[Account.ARTIST_PAID] != paid:
            problems.append(
                f"Contract #{contract_id}: ledger paid {balances[Account.ARTIST_PAID]}, "
                f"payouts sent {paid}."
            )
        if balances[Account.ESCROW] < 0:
            problems.append(f"Contract #{contract_id}: escrow is negative.")
    for problem in problems:
        logger.error("reconciliation: %s", problem)
    if problems:
        _mail_staff_once_a_day(problems)
    return problems


def _mail_staff_once_a_day(problems: list[str]) -> None:
    """One e-mail to staff per day, however often the job runs (a second scheduler, a run by
    hand): the log keeps every run's lines."""
    from django.core.mail import mail_admins

    with transaction.atomic():
        today = _now().date().isoformat()
        if periodic_send_claim(job="payments.reconcile", period=today):
            mail_admins("Payments reconciliation found differences", "\n".join(problems))


def _reconcile_open_payments() -> list[str]:
    """Record the payments Stripe charged that we never recorded; flag those that disagree."""
    lines = []
    recent = _now() - timedelta(days=RECONCILE_FAILED_PAYMENT_DAYS)
    payments = (
        Payment.objects.filter(
            Q(status=Payment.Status.REQUIRES_PAYMENT)
            | Q(status=Payment.Status.FAILED, created_at__gte=recent)
        )
        .exclude(stripe_payment_intent_id="")
        .filter(stripe_payment_intent_id__isnull=False)
        .order_by("pk")
    )
    for payment in payments:
        try:
            intent = gateway.payment_intent_retrieve(payment.stripe_payment_intent_id)
        except gateway.PaymentError as e:
            lines.append(f"Payment #{payment.pk}: Stripe says {e.message}")
            continue
        if intent.get("status") != "succeeded":
            continue
        charged = (
            f"Payment #{payment.pk}: PaymentIntent {intent.get('id')} succeeded at Stripe "
            f"({intent.get('amount')} {intent.get('currency')}) but was not recorded here"
        )
        try:
            payment_sync(intent=intent)
        except ApplicationError as e:
            lines.append(f"{charged}, and cannot be: {getattr(e, 'detail', e.message)}")
            continue
        lines.append(f"{charged}; recorded now.")
    return lines


def _reconcile_open_payouts() -> list[str]:
    """Record the transfers Stripe made for payouts we never marked sent; flag mismatches."""
    lines = []
    payouts = Payout.objects.filter(
        status__in=[Payout.Status.PENDING, Payout.Status.FAILED]
    ).order_by("contract_id", "pk")
    by_contract: dict[int, list[Payout]] = {}
    for payout in payouts:
        by_contract.setdefault(payout.contract_id, []).append(payout)
    for contract_id, group in by_contract.items():
        try:
            transfers = gateway.transfer_list(transfer_group=f"aux-contract-{contract_id}")
        except gateway.PaymentError as e:
            lines.append(f"Contract #{contract_id}: Stripe says {e.message}")
            continue
        named = {
            str((t.get("metadata") or {}).get("aux_payout_id") or ""): t
            for t in transfers
            if not gateway.made_elsewhere(t)
        }
        for payout in group:
            transfer = named.get(str(payout.pk))
            if transfer is None:
                continue  # never sent: the sweep (or staff, for a failed one) sends it
            made = (
                f"Payout #{payout.pk}: transfer {transfer.get('id')} of "
                f"{transfer.get('amount')} {transfer.get('currency')} was made at Stripe but "
                f"not recorded here"
            )
            try:
                payout_record_transfer(payout_id=payout.pk, transfer=transfer)
            except ApplicationError as e:
                lines.append(f"{made}, and cannot be: {e.message}")
                continue
            lines.append(f"{made}; recorded now.")
    return lines


def payments_sweep(*, older_than_minutes: int = 5) -> int:
    """Queue again the money work whose task never reached a worker (the broker was down when
    it was sent, see aux.dispatch): payouts of approved deliverables of funded contracts that
    have no failed payout, the deposit of funded contracts not paid yet, the refund of
    cancelled contracts that still hold escrow, and the refund of decided disputes that has no
    row yet.

    Safe to run any time (the beat runs it every few minutes): the tasks are idempotent, keyed by
    the milestone, the cancellation and the dispute. Returns how many tasks it queued.
    """
    from ..tasks import (  # the task module imports the services
        pay_deposit,
        pay_milestone,
        refund_contract,
    )

    cutoff = _now() - timedelta(minutes=older_than_minutes)
    milestone_ids = list(
        Milestone.objects.filter(
            status=Milestone.Status.APPROVED, contract__funded=True, approved_at__lt=cutoff
        )
        .exclude(payouts__status=Payout.Status.FAILED)
        .values_list("pk", flat=True)
        .distinct()
    )
    contract_ids = list(
        LedgerEntry.objects.filter(
            account=Account.ESCROW, contract__status=Contract.Status.CANCELLED,
            contract__cancelled_at__lt=cutoff,
        )
        .values("contract_id").annotate(balance=Sum("amount")).filter(balance__gt=0)
        .values_list("contract_id", flat=True)
    )  # fmt: skip
    # Decided disputes of the last two days with no refund row for their key (a refund with
    # nothing left to give creates none: the window bounds how often that is tried again).
    disputes = Dispute.objects.filter(
        decision__in=[Dispute.Decision.CANCEL, Dispute.Decision.PARTIAL],
        resolved_at__range=(cutoff - timedelta(days=2), cutoff), milestone__contract__funded=True,
    ).select_related("milestone")  # fmt: skip
    keys = {f"aux-refund-c{d.milestone.contract_id}-dispute-{d.pk}": d.pk for d in disputes}
    done = set(
        Refund.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    )
    dispute_ids = [pk for key, pk in keys.items() if key not in done]
    deposits = Payout.objects.filter(contract=OuterRef("pk"), milestone__isnull=True)
    deposit_contract_ids = list(
        Contract.objects.filter(funded=True, deposit_amount__gt=0, funded_at__lt=cutoff)
        .filter(~Exists(deposits) | Exists(deposits.filter(status=Payout.Status.PENDING)))
        .values_list("pk", flat=True)
    )
    queued = sum(enqueue(pay_milestone, mid) for mid in milestone_ids)
    queued += sum(enqueue(pay_deposit, cid) for cid in deposit_contract_ids)
    queued += sum(
        enqueue(refund_contract, cid, "cancel", "Contract cancelled", None) for cid in contract_ids
    )
    queued += sum(on_dispute_resolved(dispute_id=pk) for pk in dispute_ids)
    return queued
