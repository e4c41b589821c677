"""Approved deliverables are paid: one Transfer per payee, recorded once; staff retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from aux.audit.services import audit_record
from aux.dispatch import enqueue
from aux.errors import PermissionDeniedError
from aux.notifications import messages
from aux.users.models import User
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract, Milestone

from .. import stripe_gateway as gateway
from ..ledger import split_largest_remainder
from ..models import LedgerTransaction, PaymentAccount, Payout
from ._common import Account, LedgerInvariantError, _now, _tell, logger
from .funding import contract_funded_payment, deposit_schedule
from .ledger import contract_balances, ledger_post
from .splits import contract_payees_freeze


def _payout_key(milestone_id: int, payee_id: int) -> str:
    return f"aux-payout-m{milestone_id}-u{payee_id}"


def _payouts_prepare(milestone_id: int) -> list[Payout]:
    """Create the milestone's Payout rows (once) with each payee's share, largest remainder."""
    with transaction.atomic():
        milestone = Milestone.objects.select_related("contract").get(pk=milestone_id)
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
        existing = list(milestone.payouts.all())
        if existing:
            return existing
        if milestone.status != Milestone.Status.APPROVED:
            logger.info("milestone %s is %s: nothing to pay", milestone_id, milestone.status)
            return []
        if contract_funded_payment(contract) is None:
            logger.warning("milestone %s approved on unfunded contract %s", milestone_id,
                           contract.pk)  # fmt: skip
            return []
        return payouts_create(
            contract=contract, milestone=milestone, amount=milestone_payable(milestone),
            key=lambda payee_id: _payout_key(milestone.pk, payee_id),
        )  # fmt: skip


def milestone_payable(milestone: Milestone) -> int:
    """What an approved milestone still pays: its approved amount (the amount, or less after a
    dispute) minus its part of the deposit, paid on funding. Never negative."""
    amount = milestone.amount if milestone.approved_amount is None else milestone.approved_amount
    return max(amount - milestone.deposit_amount, 0)


def payouts_create(
    *, contract: Contract, milestone: Milestone | None, amount: int, key: Callable[[int], str]
) -> list[Payout]:
    """The Payout rows of `amount` over the contract's frozen payees (largest remainder, so the
    parts add up to the cent); one per payee with a part. Call with the contract locked."""
    payees = contract_payees_freeze(contract=contract)
    if not payees or amount <= 0:
        return []
    parts = split_largest_remainder(amount, [p.share_bps for p in payees])
    accounts = dict(
        PaymentAccount.objects.filter(user_id__in=[p.user_id for p in payees]).values_list(
            "user_id", "stripe_account_id"
        )
    )
    rows = []
    for payee, part in zip(payees, parts, strict=True):
        if part <= 0:
            continue
        rows.append(Payout.objects.create(
            milestone=milestone, contract=contract, payee_id=payee.user_id,
            stripe_account_id=accounts.get(payee.user_id, ""), amount=part,
            currency=contract.currency, idempotency_key=key(payee.user_id),
        ))  # fmt: skip
    return rows


def milestone_pay(*, milestone_id: int) -> list[Payout]:
    """Pay an approved milestone: one Transfer per payee, recorded once. Safe to run any time.

    Raises PaymentTransientError when Stripe is unreachable or failing (the task retries with
    the same keys); a rejected transfer marks its payout failed and is not retried.
    """
    milestone = Milestone.objects.filter(pk=milestone_id).first()
    if milestone is None:
        logger.info("milestone %s is gone; nothing to pay", milestone_id)
        return []
    payouts = _payouts_prepare(milestone_id)
    if not payouts and milestone.status == Milestone.Status.APPROVED:
        _mark_paid_by_deposit(milestone)
    payouts_send(payouts)
    return list(Payout.objects.filter(milestone_id=milestone_id))


def _mark_paid_by_deposit(milestone: Milestone) -> None:
    """An approved milestone its deposit part covers (an award at or below it) owes nothing
    more: it is paid."""
    contract = Contract.objects.get(pk=milestone.contract_id)
    if (
        contract_funded_payment(contract) is not None
        and milestone.deposit_amount > 0
        and milestone_payable(milestone) == 0
    ):
        with transaction.atomic():
            bookings.milestone_mark_paid(milestone_id=milestone.pk)


def payouts_send(payouts: list[Payout]) -> None:
    """Send each payout not sent yet (same key each time: one transfer ever), then record it.

    Shared by milestones and deposits. Raises PaymentTransientError after trying them all when
    Stripe failed transiently; a rejected transfer marks its payout failed.
    """
    transient: gateway.PaymentTransientError | None = None
    for payout in payouts:
        if payout.status == Payout.Status.SENT:
            continue
        if not payout.stripe_account_id:
            account = PaymentAccount.objects.filter(user_id=payout.payee_id).first()
            if account is None:
                _payout_fail(payout, "The payee has no Stripe account.")
                continue
            Payout.objects.filter(pk=payout.pk).update(stripe_account_id=account.stripe_account_id)
            payout.stripe_account_id = account.stripe_account_id
        if not _escrow_covers(payout):
            # Never move money the books cannot cover (e.g. part of the escrow was refunded):
            # checking after the transfer would leave Stripe and the ledger disagreeing.
            _payout_fail(payout, "The contract's escrow no longer covers this payout.")
            continue
        Payout.objects.filter(pk=payout.pk).update(attempts=payout.attempts + 1)
        try:
            transfer = gateway.transfer_create(
                amount=payout.amount, currency=payout.currency,
                destination=payout.stripe_account_id,
                transfer_group=f"aux-contract-{payout.contract_id}",
                metadata={"aux_payout_id": str(payout.pk),
                          "aux_milestone_id": str(payout.milestone_id or "")},
                idempotency_key=payout.idempotency_key,
            )  # fmt: skip
        except gateway.PaymentTransientError as e:
            transient = e
            continue
        except gateway.PaymentRejectedError as e:
            _payout_fail(payout, str(e))
            continue
        payout_record_transfer(payout_id=payout.pk, transfer=transfer)
    if transient is not None:
        raise transient


def _escrow_covers(payout: Payout) -> bool:
    """Does the contract's escrow still hold this payout's amount?"""
    contract = Contract.objects.get(pk=payout.contract_id)
    return contract_balances(contract=contract)["escrow"] >= payout.amount


@transaction.atomic
def _payout_fail(payout: Payout, message: str) -> None:
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status == Payout.Status.SENT:
        return
    payout.status, payout.failure_message = Payout.Status.FAILED, message[:500]
    payout.save(update_fields=["status", "failure_message"])
    audit_record(actor=None, verb="payout.fail", target=payout, message=payout.failure_message)
    logger.error("payout %s failed: %s", payout.pk, message)
    _tell(
        kind="payout.failed", target=payout, users=[payout.payee],
        text=gettext_noop("A payout of %(amount)s failed; we are on it"),
        params={"amount": messages.money(payout.amount, payout.currency)},
        url=reverse("payments:earnings"),
    )  # fmt: skip


@transaction.atomic
def payout_record_transfer(*, payout_id: int, transfer: dict[str, Any]) -> Payout:
    """A transfer exists for this payout: mark it sent and move escrow → artist paid. Idempotent.

    Called by the task with the create response and by the `transfer.created` webhook, in
    whichever order they come.
    """
    payout = Payout.objects.get(pk=payout_id)
    contract = Contract.objects.select_for_update().get(pk=payout.contract_id)
    milestone = (
        None if payout.milestone_id is None
        else Milestone.objects.select_for_update().get(pk=payout.milestone_id)
    )  # fmt: skip
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status == Payout.Status.SENT:
        return payout
    named = str((transfer.get("metadata") or {}).get("aux_payout_id") or "")
    if (
        transfer.get("amount") != payout.amount
        or transfer.get("destination") != payout.stripe_account_id
        or str(transfer.get("currency") or "").lower() != payout.currency.lower()
        or named != str(payout.pk)
        or gateway.made_elsewhere(transfer)
        or (payout.stripe_transfer_id and payout.stripe_transfer_id != transfer.get("id"))
    ):
        logger.error("transfer %s does not match payout %s: %r", transfer.get("id"), payout.pk,
                     {k: transfer.get(k) for k in ("amount", "currency", "destination",
                                                    "metadata")})  # fmt: skip
        raise LedgerInvariantError(
            gettext("Transfer %(value)s does not match payout %(pk)s.")
            % {"value": transfer["id"], "pk": payout.pk}
        )
    payout.status, payout.sent_at = Payout.Status.SENT, _now()
    payout.stripe_transfer_id, payout.failure_message = transfer["id"], ""
    payout.save(update_fields=["status", "sent_at", "stripe_transfer_id", "failure_message"])
    ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT if milestone else LedgerTransaction.Kind.DEPOSIT,
        key=f"payout:{payout.pk}", contract=contract, payout=payout,
        memo=f"{milestone.title}: paid" if milestone else f"Contract #{contract.pk}: deposit paid",
        lines=[(Account.ESCROW, -payout.amount, None),
               (Account.ARTIST_PAID, payout.amount, payout.payee)],
    )  # fmt: skip
    audit_record(actor=None, verb="payout.sent", target=payout, transfer=payout.stripe_transfer_id)
    money = messages.money(payout.amount, payout.currency)
    _tell(
        kind="payout.sent", target=payout, users=[payout.payee],
        text=gettext_noop("%(amount)s paid for %(milestone)s") if milestone
        else gettext_noop("%(amount)s deposit paid for %(brief)s"),
        params={"amount": money, "milestone": milestone.title} if milestone
        else {"amount": money, "brief": contract.brief.title},
        url=reverse("payments:earnings"),
    )  # fmt: skip
    if (
        milestone is not None
        and milestone.status == Milestone.Status.APPROVED
        and not milestone.payouts.exclude(status=Payout.Status.SENT).exists()
    ):
        bookings.milestone_mark_paid(milestone_id=milestone.pk)
    return payout


def payout_retry(*, actor: User, payout: Payout) -> None:
    """Staff send a failed payout again (same key: it can still never pay twice)."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff retry payouts."))
    Payout.objects.filter(pk=payout.pk, status=Payout.Status.FAILED).update(
        status=Payout.Status.PENDING
    )
    if payout.milestone_id is None:
        deposit_schedule(contract_id=payout.contract_id)
    else:
        payout_schedule(milestone_id=payout.milestone_id)


def payout_schedule(*, milestone_id: int) -> None:
    """Enqueue the payout task (the campaigns approval hook calls this after commit)."""
    from ..tasks import pay_milestone  # the task module imports the services

    enqueue(pay_milestone, milestone_id)
