"""How an artist's fees are shared between payees, and the share frozen into a signed contract."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from artists.models import Artist
from aux.audit.services import audit_record
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.users.models import User
from campaigns.bookings.models import Contract

from ..ledger import BPS
from ..models import ContractPayee, PayoutSplit, SplitPayee
from ._common import _now


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
