"""Writes on payments: onboarding, splits, funding, payouts, refunds, webhooks, reconciliation.

Rules kept here and nowhere else:
- Every Stripe object is preceded by our own row with a unique idempotency key, committed before
  the call, and the key goes to Stripe: any number of runs creates one charge/transfer/refund.
- No database lock is held across a call to Stripe; results are recorded by idempotent functions
  (`payment_succeeded`, `payout_record_transfer`, `refund_record`) that lock, check, then write.
- The ledger is double entry and append-only; each transaction sums to zero per currency, escrow
  never goes negative and a contract never pays out more than was funded (checked on each post).
- Lock order: contract, then its milestones (pk order), then payments rows: as in campaigns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from artists.models import Artist
from aux.audit.services import audit_record
from aux.dispatch import enqueue, enqueue_on_commit
from aux.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aux.money import format_money
from aux.notifications import messages
from aux.users.models import User
from brands.models import Membership
from campaigns.models import Contract, Dispute, Milestone

from . import stripe_gateway as gateway
from .ledger import (
    BPS,
    MAX_CHARGE_AMOUNT,
    fee_for,
    fee_refund_part,
    split_largest_remainder,
)
from .models import (
    ContractPayee,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAccount,
    Payout,
    PayoutSplit,
    Refund,
    SplitPayee,
    WebhookEvent,
)

logger = logging.getLogger(__name__)
Account = LedgerEntry.Account

TEST_PAYMENT_METHODS = {
    "pm_card_visa": "Visa, succeeds (4242 4242 4242 4242)",
    "pm_card_chargeCustomerFail": "Card declined (4000 0000 0000 0341)",
}


class LedgerInvariantError(ApplicationError):
    """A movement would break the ledger's rules: it is refused and rolled back."""

    status = 409


def platform_fee_bps() -> int:
    return settings.AUX_PLATFORM_FEE_BPS


def _now():
    return timezone.now()


# --- ledger --------------------------------------------------------------------------------------


def contract_balances(*, contract: Contract) -> dict[str, int]:
    """Each ledger account's balance for one contract (minor units, contract currency)."""
    rows = (
        LedgerEntry.objects.filter(contract=contract)
        .values("account")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    balances = {a.value: 0 for a in Account}
    balances.update({r["account"]: r["total"] for r in rows})
    return balances


def _check_invariants(contract: Contract) -> None:
    b = contract_balances(contract=contract)
    funded = (
        LedgerEntry.objects.filter(
            contract=contract,
            account=Account.ESCROW,
            transaction__kind=LedgerTransaction.Kind.FUNDING,
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    if b[Account.ESCROW] < 0:
        raise LedgerInvariantError(
            gettext("Escrow of contract #%(pk)s would go negative.") % {"pk": contract.pk}
        )
    if b[Account.ARTIST_PAID] > funded:
        raise LedgerInvariantError(
            gettext("Contract #%(pk)s would pay out more than was funded.") % {"pk": contract.pk}
        )
    if b[Account.PLATFORM_FEE] < 0:
        raise LedgerInvariantError(
            gettext("The fee of contract #%(pk)s would go negative.") % {"pk": contract.pk}
        )


def ledger_post(
    *,
    kind: str,
    key: str,
    contract: Contract,
    lines: Iterable[tuple[str, int, User | None]],
    memo: str = "",
    payment: Payment | None = None,
    payout: Payout | None = None,
    refund: Refund | None = None,
) -> tuple[LedgerTransaction, bool]:
    """Record one movement (lines of account, signed amount, payee) once per `key`.

    Returns (transaction, created). The lines must sum to zero; afterwards the contract's escrow
    must be ≥ 0 and its payouts ≤ its funding, or nothing is written. Call with the contract
    row locked.
    """
    lines = [(account, amount, user) for account, amount, user in lines if amount != 0]
    if sum(amount for _, amount, _ in lines) != 0:
        raise LedgerInvariantError(gettext("A ledger transaction must sum to zero."))
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                kind=kind, key=key, contract=contract, memo=memo[:200], payment=payment,
                payout=payout, refund=refund,
            )  # fmt: skip
            LedgerEntry.objects.bulk_create(
                LedgerEntry(
                    transaction=txn,
                    account=account,
                    contract=contract,
                    brand_id=contract.brand_id,
                    user=user,
                    amount=amount,
                    currency=contract.currency,
                )
                for account, amount, user in lines
            )
            _check_invariants(contract)
    except IntegrityError:
        return LedgerTransaction.objects.get(key=key), False
    return txn, True


def ledger_totals() -> dict[str, int]:
    """Σ of all entries per currency: zero for every currency, always."""
    rows = LedgerEntry.objects.values("currency").annotate(total=Sum("amount")).order_by()
    return {r["currency"]: r["total"] for r in rows}


# --- onboarding ----------------------------------------------------------------------------------


def _account_apply(account: PaymentAccount, data: dict[str, Any], *, at: int) -> bool:
    """Copy Stripe's account state onto our row unless we already hold a newer one."""
    if at < account.stripe_updated:
        return False
    caps = data.get("capabilities") or {}
    reqs = data.get("requirements") or {}
    account.charges_enabled = bool(data.get("charges_enabled"))
    account.payouts_enabled = bool(data.get("payouts_enabled"))
    account.details_submitted = bool(data.get("details_submitted"))
    account.transfers_active = caps.get("transfers") == "active"
    account.requirements_due = list(reqs.get("currently_due") or [])
    account.country = (data.get("country") or "")[:2]
    account.stripe_updated = at
    account.save()
    return True


def payouts_onboard(*, actor: User, return_url: str, refresh_url: str) -> str:
    """Create (once) the actor's Express account and return a fresh onboarding link URL."""
    if not actor.is_authenticated:
        raise PermissionDeniedError(gettext("Sign in to set up payouts."))
    account = PaymentAccount.objects.filter(user=actor).first()
    if account is None:
        artist = Artist.objects.filter(user=actor).first()
        country = str(artist.country) if artist and artist.country else "FR"
        data = gateway.account_create(
            email=actor.email, country=country, user_id=actor.pk,
            idempotency_key=f"aux-account-u{actor.pk}",
        )  # fmt: skip
        with transaction.atomic():
            account, created = PaymentAccount.objects.get_or_create(
                user=actor, defaults={"stripe_account_id": data["id"]}
            )
            if created:
                _account_apply(account, data, at=int(data.get("created") or 0))
                audit_record(actor=actor, verb="payouts.account_create", target=account,
                             stripe_account=account.stripe_account_id)  # fmt: skip
    link = gateway.account_link_create(
        account_id=account.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link["url"]


def payment_account_refresh(*, user: User) -> PaymentAccount | None:
    """Ask Stripe for the account's current state (on return from onboarding)."""
    account = PaymentAccount.objects.filter(user=user).first()
    if account is None:
        return None
    data = gateway.account_retrieve(account.stripe_account_id)
    with transaction.atomic():
        account = PaymentAccount.objects.select_for_update().get(pk=account.pk)
        _account_apply(account, data, at=max(account.stripe_updated, int(_now().timestamp())))
    return account


# --- splits --------------------------------------------------------------------------------------


@transaction.atomic
def split_propose(*, actor: User, artist: Artist, payees: list[dict[str, Any]]) -> PayoutSplit:
    """The artist proposes how their fees are shared: payees with basis points summing to 10,000.

    The artist's own line is confirmed by proposing; the others must confirm (split_confirm).
    """
    if artist.user_id != actor.pk:
        raise PermissionDeniedError(gettext("Only the artist can propose their payout split."))
    errors: dict[str, list[str]] = {}
    users = [p["user"] for p in payees]
    if len({u.pk for u in users}) != len(users):
        errors["payees"] = [gettext("Each payee appears once.")]
    shares = [int(p["share_bps"]) for p in payees]
    if any(s < 1 or s > BPS for s in shares):
        errors["share_bps"] = [gettext("Each share is between 1 and 10,000 basis points.")]
    if sum(shares) != BPS:
        errors["share_bps"] = [
            f"Shares must sum to exactly 10,000 basis points, not {sum(shares)}."
        ]
    if errors:
        raise ValidationError(errors)
    split = PayoutSplit.objects.create(artist=artist, created_by=actor)
    now = _now()
    for p in payees:
        payee = SplitPayee(
            split=split, user=p["user"], role=p.get("role", ""), share_bps=int(p["share_bps"]),
            confirmed_at=now if p["user"].pk == actor.pk else None,
        )  # fmt: skip
        payee.full_clean()
        payee.save()
    audit_record(actor=actor, verb="split.propose", target=split, shares=shares)
    _maybe_activate(split)
    return split


def _maybe_activate(split: PayoutSplit) -> None:
    if split.status != PayoutSplit.Status.PROPOSED:
        return
    if split.payees.filter(confirmed_at__isnull=True).exists():
        return
    PayoutSplit.objects.filter(artist=split.artist, status=PayoutSplit.Status.ACTIVE).update(
        status=PayoutSplit.Status.SUPERSEDED
    )
    split.status, split.activated_at = PayoutSplit.Status.ACTIVE, _now()
    split.save(update_fields=["status", "activated_at"])
    audit_record(actor=None, verb="split.activate", target=split)


@transaction.atomic
def split_confirm(*, actor: User, split: PayoutSplit) -> PayoutSplit:
    """A payee confirms their share; the split applies once everyone has."""
    split = PayoutSplit.objects.select_for_update().get(pk=split.pk)
    payee = split.payees.filter(user=actor).first()
    if payee is None:
        raise NotFoundError(gettext("You are not a payee of this split."))
    if split.status != PayoutSplit.Status.PROPOSED:
        raise ConflictError(gettext("This split is no longer waiting for confirmations."))
    if payee.confirmed_at is None:
        payee.confirmed_at = _now()
        payee.save(update_fields=["confirmed_at"])
        audit_record(actor=actor, verb="split.confirm", target=split)
    _maybe_activate(split)
    return split


def contract_payees_freeze(*, contract: Contract) -> list[ContractPayee]:
    """Freeze the split in force into the contract (once; called when it is signed)."""
    existing = list(contract.payees.all())
    if existing:
        return existing
    split = (
        PayoutSplit.objects.filter(artist_id=contract.artist_id, status=PayoutSplit.Status.ACTIVE)
        .prefetch_related("payees")
        .first()
    )
    if split is not None:
        rows = [
            ContractPayee(contract=contract, user_id=p.user_id, share_bps=p.share_bps, split=split)
            for p in split.payees.all()
        ]
    elif contract.artist.user_id is not None:
        rows = [ContractPayee(contract=contract, user_id=contract.artist.user_id, share_bps=BPS)]
    else:
        return []
    ContractPayee.objects.bulk_create(rows, ignore_conflicts=True)
    return list(contract.payees.all())


# --- funding -------------------------------------------------------------------------------------


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
    role = (
        Membership.objects.filter(user=actor, brand_id=contract.brand_id)
        .values_list("role", flat=True)
        .first()
    )
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


class StripeMismatchError(ApplicationError):
    """Stripe's copy of an object disagrees with our row: nothing is moved, staff are told.

    `message` is for the user; `detail` (logged, kept on the webhook event) says what differs.
    """

    status = 409

    def __init__(self, detail: str) -> None:
        super().__init__(
            gettext("Stripe's record of this payment does not match ours; nothing was changed.")
        )
        self.detail = detail


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
    contract.funded, contract.funded_at = True, _now()
    contract.save(update_fields=["funded", "funded_at"])
    # A request to cancel made before the money was in no longer counts (the bookings rule).
    from campaigns.services import contract_requests_lapse

    contract_requests_lapse(contract=contract, cause="funded")
    audit_record(actor=None, verb="contract.fund", target=contract, payment=payment.pk,
                 gross=payment.gross)  # fmt: skip
    _tell(
        kind="contract.funded", target=contract, brand=contract.brand,
        users=[contract.artist.user], text=gettext_noop("Escrow funded for %(brief)s"),
        params={"brief": str(contract.brief)},
        url=reverse("bookings:contract_detail", args=[contract.pk]),
    )  # fmt: skip
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


def contract_funded_payment(contract: Contract) -> Payment | None:
    return contract.payments.filter(status=Payment.Status.SUCCEEDED).first()


# --- payouts -------------------------------------------------------------------------------------


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
        amount = milestone.approved_amount if milestone.approved_amount is not None else (
            milestone.amount
        )  # fmt: skip
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
                currency=milestone.currency,
                idempotency_key=_payout_key(milestone.pk, payee.user_id),
            ))  # fmt: skip
        return rows


def milestone_pay(*, milestone_id: int) -> list[Payout]:
    """Pay an approved milestone: one Transfer per payee, recorded once. Safe to run any time.

    Raises PaymentTransientError when Stripe is unreachable or failing (the task retries with
    the same keys); a rejected transfer marks its payout failed and is not retried.
    """
    if not Milestone.objects.filter(pk=milestone_id).exists():
        logger.info("milestone %s is gone; nothing to pay", milestone_id)
        return []
    payouts = _payouts_prepare(milestone_id)
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
                          "aux_milestone_id": str(payout.milestone_id)},
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
    return list(Payout.objects.filter(milestone_id=milestone_id))


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
    payout = Payout.objects.select_related("milestone").get(pk=payout_id)
    contract = Contract.objects.select_for_update().get(pk=payout.contract_id)
    milestone = Milestone.objects.select_for_update().get(pk=payout.milestone_id)
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status == Payout.Status.SENT:
        return payout
    named = str((transfer.get("metadata") or {}).get("aux_payout_id") or "")
    if (
        transfer.get("amount") != payout.amount
        or transfer.get("destination") != payout.stripe_account_id
        or str(transfer.get("currency") or "").lower() != payout.currency.lower()
        or named != str(payout.pk)
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
        kind=LedgerTransaction.Kind.PAYOUT, key=f"payout:{payout.pk}", contract=contract,
        payout=payout, memo=f"{milestone.title}: paid",
        lines=[(Account.ESCROW, -payout.amount, None),
               (Account.ARTIST_PAID, payout.amount, payout.payee)],
    )  # fmt: skip
    audit_record(actor=None, verb="payout.sent", target=payout, transfer=payout.stripe_transfer_id)
    _tell(
        kind="payout.sent", target=payout, users=[payout.payee],
        text=gettext_noop("%(amount)s paid for %(milestone)s"),
        params={
            "amount": messages.money(payout.amount, payout.currency), "milestone": milestone.title
        },
        url=reverse("payments:earnings"),
    )  # fmt: skip
    if (
        milestone.status == Milestone.Status.APPROVED
        and not milestone.payouts.exclude(status=Payout.Status.SENT).exists()
    ):
        milestone.status, milestone.paid_at = Milestone.Status.PAID, _now()
        milestone.save(update_fields=["status", "paid_at"])
        audit_record(actor=None, verb="milestone.paid", target=milestone)
    return payout


def payout_retry(*, actor: User, payout: Payout) -> None:
    """Staff send a failed payout again (same key: it can still never pay twice)."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff retry payouts."))
    Payout.objects.filter(pk=payout.pk, status=Payout.Status.FAILED).update(
        status=Payout.Status.PENDING
    )
    payout_schedule(milestone_id=payout.milestone_id)


def payout_schedule(*, milestone_id: int) -> None:
    """Enqueue the payout task (the campaigns approval hook calls this after commit)."""
    from .tasks import pay_milestone

    enqueue(pay_milestone, milestone_id)


def payments_sweep(*, older_than_minutes: int = 5) -> int:
    """Queue again the money work whose task never reached a worker (the broker was down when
    it was sent, see aux.dispatch): payouts of approved deliverables of funded contracts that
    have no failed payout, the refund of cancelled contracts that still hold escrow, and the
    refund of decided disputes that has no row yet.

    Safe to run any time (the beat runs it every few minutes): the tasks are idempotent, keyed by
    the milestone, the cancellation and the dispute. Returns how many tasks it queued.
    """
    from .tasks import pay_milestone, refund_contract

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
    queued = sum(enqueue(pay_milestone, mid) for mid in milestone_ids)
    queued += sum(
        enqueue(refund_contract, cid, "cancel", "Contract cancelled", None) for cid in contract_ids
    )
    queued += sum(on_dispute_resolved(dispute_id=pk) for pk in dispute_ids)
    return queued


# --- refunds -------------------------------------------------------------------------------------


def _unspent(contract: Contract) -> int:
    """Escrow not yet paid out nor owed to an approved, unpaid deliverable."""
    balance = contract_balances(contract=contract)[Account.ESCROW]
    owed = 0
    for m in contract.milestones.filter(status=Milestone.Status.APPROVED):
        amount = m.approved_amount if m.approved_amount is not None else m.amount
        sent = m.payouts.filter(status=Payout.Status.SENT).aggregate(s=Sum("amount"))["s"] or 0
        owed += amount - sent
    return max(balance - owed, 0)


def contract_unspent_escrow(*, contract: Contract) -> int:
    """What a settlement may still give the artist: escrow not paid out nor owed to an approved
    deliverable (the rest of it is refunded when the contract ends)."""
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
    from .tasks import refund_contract

    enqueue(refund_contract, contract_id, "cancel", "Contract cancelled", None)


def on_dispute_resolved(*, dispute_id: int) -> bool:
    """After commit of a decision: refund what the brand does not pay for this deliverable.
    False when there is nothing to refund or the task could not be queued."""
    from .tasks import refund_contract

    dispute = Dispute.objects.select_related("milestone").get(pk=dispute_id)
    m = dispute.milestone
    if dispute.decision == Dispute.Decision.CANCEL:
        amount = m.amount
    elif dispute.decision == Dispute.Decision.PARTIAL and dispute.amount is not None:
        amount = m.amount - dispute.amount
    else:
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
    from .tasks import refund_contract

    cid = contract.pk
    enqueue_on_commit(refund_contract, cid, key, reason.strip(), amount)


# --- webhooks ------------------------------------------------------------------------------------


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify, check the envelope, then store the event id first; a duplicate returns
    (row, False) and does nothing.

    Raises stripe_gateway.SignatureError for a bad, stale or future signature and
    stripe_gateway.MalformedEventError for a signed event without the fields its type needs
    (both a 400, nothing stored).
    """
    event = gateway.webhook_event_parse(payload=payload, signature=signature)
    _webhook_check(event)
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                stripe_event_id=event["id"], type=event["type"], created=event["created"],
                payload=event,
            )  # fmt: skip
    except IntegrityError:
        return WebhookEvent.objects.get(stripe_event_id=event["id"]), False
    webhook_process(event=row)
    return row, True


# The events that move state → the object they carry and its id prefix. Their object is read
# again from Stripe before anything is done: the event's copy is never trusted.
HANDLED_EVENTS = {
    "account.updated": ("account", "acct_"),
    "payment_intent.succeeded": ("payment_intent", "pi_"),
    "payment_intent.payment_failed": ("payment_intent", "pi_"),
    "transfer.created": ("transfer", "tr_"),
}


def _webhook_check(event: dict[str, Any]) -> None:
    """Refuse (MalformedEventError) an event without an id, a type, a time that is not in the
    future, and, for the types we act on, the object's id and kind."""
    Malformed = gateway.MalformedEventError
    event_id, kind, created = event.get("id"), event.get("type"), event.get("created")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 100:
        raise Malformed("The event has no id.")
    if not isinstance(kind, str) or not 0 < len(kind) <= 100:
        raise Malformed("The event has no type.")
    if not isinstance(created, int) or isinstance(created, bool) or created < 0:
        raise Malformed("The event has no creation time.")
    if created > _now().timestamp() + settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS:
        raise Malformed("The event was created in the future.")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise Malformed("The event carries no object.")
    if kind in HANDLED_EVENTS:
        name, prefix = HANDLED_EVENTS[kind]
        obj = data["object"]
        object_id = obj.get("id")
        if not isinstance(object_id, str) or not object_id.startswith(prefix):
            raise Malformed(f"A {kind} event needs the {name}'s id.")
        if len(object_id) > 255 or obj.get("object") != name:
            raise Malformed(f"A {kind} event carries a {name}.")


def _stripe_copy(kind: str, object_id: str) -> dict[str, Any]:
    """The object of an event as Stripe has it now."""
    if kind == "account.updated":
        return gateway.account_retrieve(object_id)
    if kind == "transfer.created":
        return gateway.transfer_retrieve(object_id)
    return gateway.payment_intent_retrieve(object_id)


def webhook_process(*, event: WebhookEvent) -> bool:
    """Apply one stored event once, from Stripe's own copy of its object.

    - Stripe does not know the object (a forged event): recorded as refused, nothing moves.
    - Stripe's copy disagrees with our row (amount, currency, metadata): recorded as refused and
      logged as an error, nothing moves.
    - We do not know the object yet, or Stripe cannot be reached: the event stays pending and
      `reconcile` processes it again later.
    Returns True when the event is done with (applied, ignored or refused).
    """
    event = WebhookEvent.objects.get(pk=event.pk)
    if event.processed_at is not None:
        return False
    fresh: dict[str, Any] | None = None
    read_at = int(_now().timestamp())
    result = ""
    if event.type not in HANDLED_EVENTS:
        logger.info("stripe event %s (%s) acknowledged, not handled", event.stripe_event_id,
                    event.type)  # fmt: skip
        result = "ignored"
    else:
        object_id = event.payload["data"]["object"]["id"]
        try:  # outside any lock: no database lock is held across a call to Stripe
            fresh = _stripe_copy(event.type, object_id)
        except gateway.PaymentError as e:
            if not gateway.is_missing(e):
                logger.warning("stripe event %s waits: %s", event.stripe_event_id, e.message)
                WebhookEvent.objects.filter(pk=event.pk).update(
                    result=f"pending: Stripe did not answer: {e.message}"[:200]
                )
                return False
            logger.warning("stripe event %s refused: Stripe has no %s", event.stripe_event_id,
                           object_id)  # fmt: skip
            result = f"refused: Stripe has no {object_id}"
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if event.processed_at is not None:
            return False
        if fresh is not None:
            try:
                with transaction.atomic():
                    result = _webhook_apply(event.type, fresh, created=event.created,
                                            read_at=read_at)  # fmt: skip
            except NotFoundError as e:
                logger.warning("stripe event %s waits: %s", event.stripe_event_id, e.message)
                event.result = f"pending: {e.message}"[:200]
                event.save(update_fields=["result"])
                return False
            except ApplicationError as e:
                why = getattr(e, "detail", e.message)
                logger.error("stripe event %s refused: %s", event.stripe_event_id, why)
                result = f"refused: {why}"
        event.processed_at, event.result = _now(), result[:200]
        event.save(update_fields=["processed_at", "result"])
        return True


def _webhook_apply(kind: str, obj: dict[str, Any], *, created: int, read_at: int) -> str:
    """Act on Stripe's copy `obj` (read at `read_at`) of an event's object."""
    if kind == "account.updated":
        account = (
            PaymentAccount.objects.select_for_update().filter(stripe_account_id=obj["id"]).first()
        )
        if account is None:
            raise NotFoundError(gettext("No account %(get)s.") % {"get": obj["id"]})
        owner = (obj.get("metadata") or {}).get("aux_user_id")
        if owner and owner != str(account.user_id):
            raise StripeMismatchError(f"Account {obj['id']} belongs to user {owner} at Stripe.")
        if created < account.stripe_updated:
            return "older than our state"
        # Stripe's copy is its state at `read_at`: it already holds every change made before.
        applied = _account_apply(account, obj, at=max(created, read_at))
        return "applied" if applied else "older than our state"
    if kind.startswith("payment_intent."):
        if kind == "payment_intent.succeeded" and obj.get("status") != "succeeded":
            raise StripeMismatchError(
                f"the event says {obj['id']} succeeded, Stripe says {obj.get('status')}"
            )
        payment_sync(intent=obj)
        return "synced"
    if kind == "transfer.created":
        payout_id = str((obj.get("metadata") or {}).get("aux_payout_id") or "")
        payout = Payout.objects.filter(
            Q(stripe_transfer_id=obj["id"]) | Q(pk=int(payout_id) if payout_id.isdigit() else 0)
        ).first()
        if payout is None:
            raise NotFoundError(gettext("No payout for %(get)s.") % {"get": obj["id"]})
        payout_record_transfer(payout_id=payout.pk, transfer=obj)
        return "recorded"
    return "ignored"


# --- reconciliation ------------------------------------------------------------------------------


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
        from django.core.mail import mail_admins

        mail_admins("Payments reconciliation found differences", "\n".join(problems))
    return problems


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
        named = {str((t.get("metadata") or {}).get("aux_payout_id") or ""): t for t in transfers}
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


def _tell(
    *, kind: str, target, users=(), brand=None, text: str, params: dict[str, Any], url: str
) -> None:
    """Notify the given users (and the brand's members who should see `kind`) after commit."""
    from aux.notifications.services import brand_recipients, notify

    recipients = [u for u in users if u is not None]
    if brand is not None:
        recipients += list(brand_recipients(brand, kind=kind))
    notify(recipients=recipients, kind=kind, target=target, text=text, params=params, url=url)
