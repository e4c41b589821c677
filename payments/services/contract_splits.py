"""Co-owners of one contract: the artist proposes shares, each co-owner accepts by a signed link.

When splits can change: only while the contract awaits signatures (status draft, no payees
frozen). When both sides have signed, `contract_payees_freeze` (the `contract_signed` hook) turns
the accepted splits into the contract's payees; an invitation still pending then lapses and its
share stays with the artist. The brand therefore signs knowing whether the fees are shared, and
nothing about who is paid can change after its signature.

A co-owner accepts only once they can be paid: signed in with the invited address (confirmed)
and a Stripe account that receives transfers. Funding checks every frozen payee again.

Payouts (payments.services.payouts) split each approved amount over the frozen payees by
`split_largest_remainder`: each payee gets the floor of their exact share, and the cents left
over go one each to the largest fractional remainders; a tie goes to the payee listed first
(ContractPayee order: larger share first, then lower user id). The transfers therefore add up to
the approved amount exactly (the platform fee is charged to the brand on top, never deducted),
and each payee's transfer is the same however often the payout runs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.dispatch import enqueue_on_commit
from aux.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aux.money import BPS
from aux.users.models import User
from aux.users.selectors import email_is_verified
from campaigns.bookings.models import Contract

from ..models import ContractSplit, PaymentAccount
from ._common import _now

MAX_CO_OWNERS = 10
_TOKEN_SALT = "payments.contract-split-invitation"  # noqa: S105 (a salt, not a secret)
OPEN = (ContractSplit.Status.PENDING, ContractSplit.Status.ACCEPTED)


def contract_splits_editable(contract: Contract) -> bool:
    """Splits change only before both sides signed (the payees are frozen at signing)."""
    return contract.status == Contract.Status.DRAFT and not contract.payees.exists()


def percent_to_bps(value: Any) -> int | None:
    """ "40", "33.33" or Decimal("12.5") → basis points; None when it is not a percentage with at
    most two decimals."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        return None
    return int(number * 100)


def _check_proposal(
    *, contract: Contract, artist_share: Any, co_owners: list[dict[str, Any]]
) -> list[tuple[str, int]]:
    """The proposal as (email, bps) pairs, or an ApplicationError naming each wrong field."""
    errors: dict[str, list[str]] = {}
    artist_email = (contract.artist.user.email if contract.artist.user else "").lower()
    rows: list[tuple[str, int]] = []
    if len(co_owners) > MAX_CO_OWNERS:
        errors.setdefault("co_owners", []).append(
            gettext("At most %(n)s co-owners per contract.") % {"n": MAX_CO_OWNERS}
        )
    for item in co_owners:
        email = str(item.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("co_owners", []).append(
                gettext("Enter a valid e-mail address (%(email)s).") % {"email": email or "—"}
            )
            continue
        bps = percent_to_bps(item.get("share"))
        if bps is None or not 0 < bps < BPS:
            errors.setdefault("co_owners", []).append(
                gettext("The share of %(email)s must be more than 0%% and less than 100%%.")
                % {"email": email}
            )
            continue
        if email == artist_email:
            errors.setdefault("co_owners", []).append(
                gettext("You are the artist: your own share is the artist's share.")
            )
            continue
        if email in {e for e, _ in rows}:
            errors.setdefault("co_owners", []).append(
                gettext("%(email)s appears twice.") % {"email": email}
            )
            continue
        rows.append((email, bps))
    own = percent_to_bps(artist_share)
    if own is None or not 0 < own <= BPS:
        errors.setdefault("artist_share", []).append(
            gettext("Your share must be more than 0%% and at most 100%%.") % {}
        )
    elif not errors and own + sum(b for _, b in rows) != BPS:
        errors.setdefault("artist_share", []).append(
            gettext("Your share and the co-owners' shares must add up to 100%% (now %(sum)s%%).")
            % {"sum": f"{(own + sum(b for _, b in rows)) / 100:.2f}"}
        )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors)
    return rows


@transaction.atomic
def contract_splits_propose(
    *, actor: User, contract: Contract, artist_share: Any, co_owners: list[dict[str, Any]]
) -> list[ContractSplit]:
    """The artist states their own share and each co-owner's (e-mail, percent); all sum to 100.

    The proposal replaces the open one: a co-owner proposed again with the same share keeps
    their invitation or acceptance; a changed share is a new invitation (the old link stops
    working); a co-owner left out is withdrawn. Proposing the same thing twice changes nothing.
    New invitations are e-mailed after commit. Returns the open splits.
    """
    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("artist__user")
        .get(pk=contract.pk)
    )
    if contract.artist.user_id is None or contract.artist.user_id != actor.pk:
        raise PermissionDeniedError(gettext("Only the artist can propose payout splits."))
    if not contract_splits_editable(contract):
        raise ConflictError(
            gettext(
                "Splits can change only while the contract awaits signatures; this one is signed."
            )
        )
    wanted = dict(_check_proposal(contract=contract, artist_share=artist_share,
                                  co_owners=co_owners))  # fmt: skip
    now = _now()
    current = list(
        ContractSplit.objects.select_for_update().filter(contract=contract, status__in=OPEN)
    )
    for split in current:
        if wanted.get(split.email) == split.share_bps:
            del wanted[split.email]
            continue
        split.status, split.ended_at = ContractSplit.Status.WITHDRAWN, now
        split.save(update_fields=["status", "ended_at"])
        audit_record(actor=actor, verb="split.withdraw", target=split, email=split.email)
    for email, bps in wanted.items():
        split = ContractSplit(contract=contract, email=email, share_bps=bps, invited_by=actor)
        split.full_clean()
        split.save()
        audit_record(actor=actor, verb="split.invite", target=split, email=email, share_bps=bps)
        _queue_invitation_email(split)
    return list(ContractSplit.objects.filter(contract=contract, status__in=OPEN))


def split_invitation_token(split: ContractSplit) -> str:
    """The signed credential of the e-mailed link: the split and its address."""
    return signing.dumps({"split": split.pk, "email": split.email}, salt=_TOKEN_SALT)


def split_by_token(token: str) -> ContractSplit | None:
    """The split a link names, if its signature holds and it has not expired."""
    try:
        data = signing.loads(
            token, salt=_TOKEN_SALT, max_age=settings.AUX_INVITATION_TTL_DAYS * 86_400
        )
    except signing.BadSignature:
        return None
    return (
        ContractSplit.objects.select_related("contract__artist", "contract__brand", "invited_by")
        .filter(pk=data.get("split"), email=data.get("email"))
        .first()
    )


def split_invitation_link(split: ContractSplit) -> str:
    token = split_invitation_token(split)
    path = reverse("payments:split_invitation_link", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def _queue_invitation_email(split: ContractSplit) -> None:
    from ..tasks import send_split_invitation  # tasks import services: imported at call time

    enqueue_on_commit(send_split_invitation, split.pk)


def split_invitation_send_email(*, split_id: int) -> bool:
    """E-mail the signed link to the invited address; nothing for a split no longer pending."""
    split = (
        ContractSplit.objects.select_related("contract__artist", "contract__brand", "invited_by")
        .filter(pk=split_id, status=ContractSplit.Status.PENDING)
        .first()
    )
    if split is None:
        return False
    existing = User.objects.filter(email__iexact=split.email).only("language").first()
    inviter = split.invited_by
    language = (existing.language if existing is not None and existing.language else None) or (
        inviter.email_language if inviter is not None else settings.LANGUAGE_CODE
    )
    context = {
        "split": split, "contract": split.contract, "link": split_invitation_link(split),
        "days": settings.AUX_INVITATION_TTL_DAYS,
    }  # fmt: skip
    with translation.override(language):
        subject = gettext("%(artist)s shares a contract's fees with you on AUX") % {
            "artist": split.contract.artist.stage_name
        }
        body = render_to_string("payments/email/split_invitation.txt", context)
    EmailMessage(subject, body, None, [split.email]).send()
    return True


def split_accept_blocker(*, user: User, split: ContractSplit) -> str:
    """Why `user` cannot accept `split` now ("" when they can): for the invitation page."""
    if split.status != ContractSplit.Status.PENDING:
        return "state"
    if not user.is_authenticated:
        return "anonymous"
    if user.email.lower() != split.email:
        return "other_user"
    if not email_is_verified(user=user, email=split.email):
        return "unverified"
    account = PaymentAccount.objects.filter(user=user).first()
    if account is None or not account.can_receive:
        return "payouts"
    return ""


@transaction.atomic
def contract_split_accept(*, actor: User, split_id: int) -> ContractSplit:
    """The invited co-owner takes their share. Idempotent for the same user.

    Refused unless the actor signed in with the invited address (confirmed), can receive payouts
    (Stripe account with transfers active), is not the artist, and the contract still awaits
    signatures. To anyone else the split does not exist (404), so ids reveal no address.
    """
    found = ContractSplit.objects.filter(pk=split_id).values_list("contract_id", "email").first()
    if found is None or not actor.is_authenticated or actor.email.lower() != found[1]:
        raise NotFoundError(gettext("No such split invitation."))
    contract = (
        Contract.objects.select_for_update(of=("self",)).select_related("artist").get(pk=found[0])
    )
    split = ContractSplit.objects.select_for_update().get(pk=split_id)
    if split.status == ContractSplit.Status.ACCEPTED and split.user_id == actor.pk:
        return split
    if split.status == ContractSplit.Status.WITHDRAWN:
        raise ConflictError(gettext("The artist withdrew or changed this share."))
    if split.status != ContractSplit.Status.PENDING or not contract_splits_editable(contract):
        raise ConflictError(
            gettext(
                "The contract was signed before you accepted: this share stays with the artist."
            )
        )
    if contract.artist.user_id == actor.pk:
        raise ConflictError(gettext("The artist cannot be their own co-owner."))
    if not email_is_verified(user=actor, email=split.email):
        raise PermissionDeniedError(
            gettext("Confirm your e-mail address %(email)s first, then accept.")
            % {"email": split.email}
        )
    account = PaymentAccount.objects.filter(user=actor).first()
    if account is None or not account.can_receive:
        raise ConflictError(
            gettext("Set up payouts first: your share is paid to your own Stripe account.")
        )
    split.status, split.user, split.accepted_at = ContractSplit.Status.ACCEPTED, actor, _now()
    split.save(update_fields=["status", "user", "accepted_at"])
    audit_record(actor=actor, verb="split.accept", target=split, share_bps=split.share_bps)
    return split
