"""Mutual settlement: ending a funded contract after work has started, by agreement.

The amount a side proposes is pre-filled from the contract's cancellation terms
(settlement_suggestion, below); the deposit, paid on funding, is never part of it:
the amount is what the escrow pays on top (a deliverable whose part of the deposit was paid and
that gets nothing more is cancelled, its deposit part kept by the artist).

A cancellation never takes delivered work back (contracts.contract_cancel). Once the escrow is
funded and work is under way, the two sides may instead agree on what the artist is paid for the
work done: one side proposes an amount, the other accepts or declines. On acceptance the unpaid
deliverables are approved for their share of the amount, which the payout machinery pays
(escrow → artist, one transfer per deliverable and payee, keyed: never twice), the others are
cancelled, and the contract is cancelled, which refunds the rest of the unspent escrow to the
brand (payments, on the contract_cancelled hook, keyed by the cancellation: once). The same
award a staff decision on a dispute makes (an approved amount below the fee), agreed by both
sides instead.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from aux.audit.services import audit_record
from aux.errors import ConflictError
from aux.money import format_money
from aux.notifications import messages
from aux.users.models import User

from .. import hooks
from ..models import Contract, Milestone, Settlement, Side
from ..terms import POLICIES, notice_band, owed_to_artist, policy_rows
from ._common import (
    BOTH_SIDES,
    _notify_on_commit,
    _now,
    acting_side,
    cancel_request_ttl,
)
from .contracts import _contract_transition, _lock_contract, _lock_milestones
from .milestones import _milestone_transition

# Deliverables a settlement decides: not yet approved, paid or cancelled. Work handed in (or sent
# back for changes) is paid first, then pending work, each in pk order.
OPEN_WORK = (
    Milestone.Status.SUBMITTED,
    Milestone.Status.CHANGES_REQUESTED,
    Milestone.Status.PENDING,
)


def settlement_expires_at(settlement: Settlement) -> datetime:
    return settlement.created_at + cancel_request_ttl()


def settlement_expired(settlement: Settlement, *, now: datetime | None = None) -> bool:
    return settlement_expires_at(settlement) <= (now or _now())


def _open_work(milestones: list[Milestone]) -> list[Milestone]:
    order = {status: i for i, status in enumerate(OPEN_WORK)}
    return sorted(
        (m for m in milestones if m.status in order), key=lambda m: (order[m.status], m.pk)
    )


def _check_settleable(contract: Contract, milestones: list[Milestone]) -> list[Milestone]:
    """The open deliverables of an active, funded contract, or a ConflictError saying why not."""
    if contract.status != Contract.Status.ACTIVE:
        raise ConflictError(
            gettext(
                "This contract is %(status)s; a settlement is possible only while it is active "
                "(a dispute is decided by AUX staff)."
            )
            % {"status": contract.get_status_display().lower()}
        )
    if not contract.funded:
        raise ConflictError(
            gettext("This contract is not funded; there is nothing to settle: cancel it instead.")
        )
    work = _open_work(milestones)
    if not work:
        raise ConflictError(gettext("Every deliverable of this contract is decided already."))
    return work


def settlement_limit(*, contract: Contract, milestones: list[Milestone] | None = None) -> int:
    """The most a settlement can pay the artist: the unspent escrow, and no more than the fees
    of the deliverables it decides."""
    # The escrow is payments' ledger (above bookings): payments answers through the reader it
    # registers in campaigns.bookings.hooks.
    milestones = milestones if milestones is not None else list(contract.milestones.all())
    # A deliverable's part of the deposit was paid on funding: only the rest is still escrowed.
    open_fees = sum(m.amount - m.deposit_amount for m in _open_work(milestones))
    return min(hooks.unspent_escrow_read(contract), open_fees)


def _other(side: str) -> str:
    return Side.ARTIST if side == Side.BRAND else Side.BRAND


@transaction.atomic
def settlement_propose(
    *, actor: User, contract: Contract, artist_amount: int | None = None, note: str = ""
) -> Settlement:
    """One side proposes: the artist is paid `artist_amount` (minor units) for the work done and
    the rest of the unspent escrow is refunded to the brand. Replaces an open proposal. Without
    an amount, the one the cancellation terms call for when this side ends the contract."""
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    if artist_amount is not None and (
        isinstance(artist_amount, bool) or not isinstance(artist_amount, int) or artist_amount < 0
    ):
        raise ValidationError({"artist_amount": gettext("Enter an amount of zero or more.")})
    contract = _lock_contract(contract)
    milestones = _lock_milestones(contract)
    _check_settleable(contract, milestones)
    if artist_amount is None:
        suggestion = settlement_suggestion(contract=contract, side=side, milestones=milestones)
        artist_amount = suggestion["amount"]
    limit = settlement_limit(contract=contract, milestones=milestones)
    if artist_amount > limit:
        # A 409, not a 400: the bound is the contract's state (its escrow), not the input's form.
        message = gettext(
            "At most %(amount)s: what the escrow still holds for the open deliverables."
        ) % {"amount": format_money(limit, contract.currency)}
        raise ConflictError(message, errors={"artist_amount": [message]})
    for previous in Settlement.objects.select_for_update().filter(
        contract=contract, status=Settlement.Status.OPEN
    ):
        previous.status, previous.answered_at = Settlement.Status.SUPERSEDED, _now()
        previous.answered_by = actor
        previous.save(update_fields=["status", "answered_at", "answered_by"])
        audit_record(actor=actor, verb="settlement.supersede", target=previous, side=side)
    settlement = Settlement(
        contract=contract, proposed_by=actor, proposed_by_side=side, artist_amount=artist_amount,
        currency=contract.currency, note=(note or "").strip()[:500],
    )  # fmt: skip
    settlement.full_clean()
    settlement.save()
    audit_record(actor=actor, verb="settlement.propose", target=settlement, side=side,
                 artist_amount=artist_amount, limit=limit)  # fmt: skip
    _notify_on_commit(
        "settlement.proposed", target=contract, sides=[_other(side)], actor=actor,
        text=gettext_noop(
            "%(subject)s: proposal to end the contract, %(amount)s paid to the artist for the "
            "work done and the rest refunded to the brand"
        ),
        params={"amount": messages.money(artist_amount, contract.currency)},
    )  # fmt: skip
    return settlement


def _lock_open(actor: User, settlement: Settlement) -> tuple[Contract, list[Milestone], str]:
    """Lock the contract, its milestones and the proposal; check it may be answered by actor."""
    contract = settlement.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    contract = _lock_contract(contract)
    milestones = _lock_milestones(contract)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != Settlement.Status.OPEN:
        raise ConflictError(
            gettext("This settlement proposal is %(status)s; it can no longer be answered.")
            % {"status": settlement.get_status_display().lower()}
        )
    if side == settlement.proposed_by_side:
        raise ConflictError(
            gettext("The %(label)s proposed this settlement; the other side answers it.")
            % {"label": Side(side).label.lower()}
        )
    if settlement_expired(settlement):
        raise ConflictError(
            gettext("This settlement proposal expired on %(when)s; propose again.")
            % {"when": date_format(settlement_expires_at(settlement), "DATETIME_FORMAT")}
        )
    return contract, milestones, side


@transaction.atomic
def settlement_accept(*, actor: User, settlement: Settlement) -> Settlement:
    """The other side accepts: the artist is paid the amount, the rest is refunded, the contract
    ends (cancelled). Only once: a second accept is a ConflictError and moves no money."""
    contract, milestones, side = _lock_open(actor, settlement)
    settlement = Settlement.objects.get(pk=settlement.pk)
    work = _check_settleable(contract, milestones)
    if settlement.artist_amount > settlement_limit(contract=contract, milestones=milestones):
        raise ConflictError(
            gettext("The escrow no longer covers this proposal; propose a new amount.")
        )
    now = _now()
    remaining = settlement.artist_amount
    awards = {}
    for m in work:
        part = min(remaining, m.amount - m.deposit_amount)
        remaining -= part
        if part > 0:
            # The dispute award path: approved for `part` on top of its deposit part (paid on
            # funding), so the payout task pays `part` after commit.
            _milestone_transition(m, Milestone.Status.APPROVED)
            m.approved_at, m.approved_by, m.review_due_at = now, actor, None
            m.approved_amount, m.auto_approved = part + m.deposit_amount, False
            m.save()
            hooks.announce(hooks.milestone_approved, milestone_id=m.pk)
        else:
            _milestone_transition(m, Milestone.Status.CANCELLED)
            m.review_due_at = None
            m.save(update_fields=["status", "review_due_at"])
        awards[str(m.pk)] = part
    settlement.status, settlement.answered_by, settlement.answered_at = (
        Settlement.Status.ACCEPTED, actor, now,
    )  # fmt: skip
    settlement.save(update_fields=["status", "answered_by", "answered_at"])
    _contract_transition(contract, Contract.Status.CANCELLED)
    contract.cancelled_at = now
    contract.cancel_requested_by, contract.cancel_requested_at = "", None
    contract.cancel_reason = settlement.note
    contract.save(update_fields=["status", "cancelled_at", "cancel_requested_by",
                                 "cancel_requested_at", "cancel_reason"])  # fmt: skip
    audit_record(actor=actor, verb="settlement.accept", target=settlement, side=side,
                 artist_amount=settlement.artist_amount, awards=awards)  # fmt: skip
    audit_record(actor=actor, verb="contract.settle", target=contract, settlement=settlement.pk)
    hooks.announce(hooks.contract_cancelled, contract_id=contract.pk)
    _notify_on_commit(
        "settlement.accepted", target=contract, sides=BOTH_SIDES, actor=actor,
        text=gettext_noop(
            "%(subject)s: ended by settlement, %(amount)s paid to the artist and the rest "
            "refunded to the brand"
        ),
        params={"amount": messages.money(settlement.artist_amount, settlement.currency)},
    )  # fmt: skip
    return settlement


@transaction.atomic
def settlement_decline(*, actor: User, settlement: Settlement) -> Settlement:
    """The other side declines: the contract goes on (either side may propose again)."""
    contract, _milestones, side = _lock_open(actor, settlement)
    settlement = Settlement.objects.get(pk=settlement.pk)
    settlement.status, settlement.answered_by, settlement.answered_at = (
        Settlement.Status.DECLINED, actor, _now(),
    )  # fmt: skip
    settlement.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(actor=actor, verb="settlement.decline", target=settlement, side=side)
    _notify_on_commit(
        "settlement.declined", target=contract, sides=[settlement.proposed_by_side], actor=actor,
        text=gettext_noop("%(subject)s: your settlement proposal of %(amount)s was declined"),
        params={"amount": messages.money(settlement.artist_amount, settlement.currency)},
    )  # fmt: skip
    return settlement


def settlement_open_for(*, contract: Contract) -> Settlement | None:
    """The contract's open proposal (expired or not), if any."""
    return contract.settlements.filter(status=Settlement.Status.OPEN).first()


# --- What the cancellation terms call for (campaigns.bookings.terms) ---------------------------
HANDED_IN = (Milestone.Status.SUBMITTED, Milestone.Status.CHANGES_REQUESTED)


def contract_first_date(*, contract: Contract, milestones: list[Milestone]) -> date | None:
    """The first date of the work: the offer's start date, else the earliest due date."""
    if contract.offer.start_date:
        return contract.offer.start_date
    dates = [m.due_date for m in milestones if m.due_date]
    return min(dates) if dates else None


def settlement_suggestion(
    *, contract: Contract, side: str, milestones: list[Milestone] | None = None,
    today: date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What the terms give the artist when `side` ends the contract now.

    `amount`: what the escrow pays the artist on top of the deposit (0 up to the settlement
    limit) — the proposal's pre-filled amount; `owed`: the artist's due for the open work by the
    terms; `deposit`: the deposit parts of the open work, already paid; `owes_back`: what the
    artist owes the brand when the deposit exceeds their due (recovered through a dispute);
    `limit`: settlement_limit, the most a settlement can pay.
    """
    milestones = milestones if milestones is not None else list(contract.milestones.all())
    work = _open_work(milestones)
    today = today or _now().date()
    band = notice_band(first_date=contract_first_date(contract=contract, milestones=milestones),
                       today=today)  # fmt: skip
    handed_in = sum(m.amount for m in work if m.status in HANDED_IN)
    owed = owed_to_artist(
        policy=contract.cancellation_policy, side=side, band=band, handed_in=handed_in,
        not_handed_in=sum(m.amount for m in work) - handed_in,
    )  # fmt: skip
    deposit = sum(m.deposit_amount for m in work)
    limit = settlement_limit(contract=contract, milestones=milestones)
    return {
        "policy": contract.cancellation_policy, "side": side, "band": band,
        "notice": policy_rows(contract.cancellation_policy)[band]["notice"],
        "summary": str(POLICIES[contract.cancellation_policy].summary),
        "owed": max(owed, 0), "deposit": deposit,
        "amount": min(max(owed - deposit, 0), limit), "owes_back": max(deposit - owed, 0),
        "currency": contract.currency, "limit": limit,
    }  # fmt: skip
