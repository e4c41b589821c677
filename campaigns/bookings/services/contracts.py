"""Contracts: terms rendered from the versioned template and hashed, typed signatures,
funding recorded, cancellation and completion."""

import hashlib
import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django_countries import countries

from aux.audit.services import audit_record
from aux.dispatch import enqueue
from aux.errors import ConflictError
from aux.money import format_money
from aux.notifications.services import notify
from aux.users.models import User
from brands.recipients import brand_recipients
from campaigns.briefs import outcomes

from .. import hooks
from ..masking import mask_contact_details
from ..models import Contract, Milestone, Offer, OfferRevision, Settlement, Side, Signature
from ..terms import deposit_parts, is_live, policy_text_en, share_text
from ._common import (
    BOTH_SIDES,
    CONTRACT_TEMPLATE_VERSION,
    USAGE_CHANNELS,
    _notify_on_commit,
    _now,
    acting_side,
    cancel_request_ttl,
    is_social_type,
    review_window,
)


def contract_terms_render(*, offer: Offer, revision: OfferRevision) -> str:
    """The contract text for `revision` of `offer`, from the versioned template file.

    Always in English, whoever's language is active: the text is hashed and signed, so the
    same revision must render to the same bytes (amounts, labels and country names included).
    """
    with translation.override("en"):
        return _contract_terms_render(offer=offer, revision=revision)


def _contract_terms_render(*, offer: Offer, revision: OfferRevision) -> str:
    lines = list(revision.lines.select_related("deliverable_type"))
    for line in lines:
        line.fee_text = format_money(line.fee, revision.currency)
        line.notes = mask_contact_details(line.notes)
    # The terms are read (and signed) before signing: the typed note and line notes carry no
    # contact details, and the hash covers exactly the text both sides see.
    note = mask_contact_details(revision.message)
    deposit = sum(_deposit_parts(revision, lines))
    channels = [USAGE_CHANNELS.get(c, c) for c in revision.usage_channels]
    territories = [str(dict(countries).get(c, c)) for c in revision.usage_territories]
    return render_to_string(
        f"campaigns/contracts/terms_{CONTRACT_TEMPLATE_VERSION}.txt",
        {
            "version": CONTRACT_TEMPLATE_VERSION, "offer": offer, "revision": revision,
            "note": note,
            "brief": offer.brief, "brand": offer.brief.brand, "artist": offer.artist,
            "lines": lines, "total_text": format_money(revision.total, revision.currency),
            "review_days": review_window().days,
            "channels_text": ", ".join(channels) or "none",
            "territories_text": ", ".join(territories) or "worldwide",
            "has_social": any(is_social_type(line.deliverable_type) for line in lines),
            "cancellation_text": policy_text_en(revision.cancellation_policy),
            "deposit_percent": share_text(revision.deposit_bps),
            "deposit_text": format_money(deposit, revision.currency) if deposit else "",
        },
    )  # fmt: skip


def _deposit_parts(revision: OfferRevision, lines: list) -> list[int]:
    """Each line's part of the deposit (campaigns.bookings.terms), in the lines' order."""
    return deposit_parts(
        deposit_bps=revision.deposit_bps, amounts=[line.fee for line in lines],
        live=[is_live(line.deliverable_type.slug) for line in lines],
    )  # fmt: skip


def terms_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _contract_create(*, offer: Offer) -> Contract:
    """Freeze the accepted revision as contract text and turn its lines into milestones."""
    revision = offer.current_revision
    text = contract_terms_render(offer=offer, revision=revision)
    lines = list(revision.lines.select_related("deliverable_type"))
    parts = _deposit_parts(revision, lines)
    contract = Contract(
        offer=offer, brief=offer.brief, brand=offer.brief.brand, artist=offer.artist,
        template_version=CONTRACT_TEMPLATE_VERSION, terms_text=text,
        terms_sha256=terms_hash(text), currency=revision.currency, total=revision.total,
        cancellation_policy=revision.cancellation_policy, deposit_bps=revision.deposit_bps,
        deposit_amount=sum(parts),
    )  # fmt: skip
    contract.full_clean(exclude=["offer"])
    contract.save()
    Milestone.objects.bulk_create(
        Milestone(
            contract=contract, title=f"{line.quantity} × {line.deliverable_type.name}",
            deliverable_type=line.deliverable_type,
            is_social=is_social_type(line.deliverable_type), amount=line.fee,
            deposit_amount=part, currency=revision.currency,
            due_date=line.due_date or revision.end_date,
        )
        for line, part in zip(lines, parts, strict=True)
    )  # fmt: skip
    audit_record(actor=None, verb="contract.create", target=contract, sha256=contract.terms_sha256)
    _notify_on_commit("contract.ready", target=contract, sides=BOTH_SIDES)
    return contract


def _lock_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _contract_transition(contract: Contract, to: str) -> None:
    if to not in Contract.ALLOWED_TRANSITIONS[contract.status]:
        raise ConflictError(
            gettext("This contract is %(status)s; it cannot become %(label)s.")
            % {
                "status": contract.get_status_display().lower(),
                "label": Contract.Status(to).label.lower(),
            }
        )
    contract.status = to


def _normalise_name(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip().casefold()


@transaction.atomic
def contract_sign(
    *,
    actor: User,
    contract: Contract,
    full_name: str,
    confirm: bool,
    ip: str | None = None,
    user_agent: str = "",
    terms_sha256: str | None = None,
) -> Contract:
    """One side signs by typing their full name (their account's name) and confirming.

    The signature stores who, when, IP, user agent and the hash of the text signed; once both
    sides have signed the contract is active (funding follows: payments issue).
    """
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    errors = {}
    if not confirm:
        errors["confirm"] = [gettext("Confirm that you have read and agree to the terms.")]
    typed = _normalise_name(full_name)
    if len(typed) < 2:
        errors["full_name"] = [gettext("Type your full name to sign.")]
    elif actor.name and typed != _normalise_name(actor.name):
        errors["full_name"] = [
            gettext("Type your full name exactly as on your account: %(name)s.")
            % {"name": actor.name}
        ]
    if errors:
        raise ValidationError(errors)
    contract = _lock_contract(contract)
    if contract.signatures.filter(party=side).exists():
        raise ConflictError(
            gettext("This contract is %(status)s: the %(label)s has already signed it.")
            % {"status": contract.get_status_display().lower(), "label": Side(side).label.lower()}
        )
    if contract.status != Contract.Status.DRAFT:
        raise ConflictError(
            gettext("This contract is %(status)s; it can no longer be signed.")
            % {"status": contract.get_status_display().lower()}
        )
    if terms_sha256 is not None and terms_sha256 != contract.terms_sha256:
        raise ConflictError(
            gettext("The terms you read are not the contract's terms; reload and read again.")
        )
    Signature.objects.create(
        contract=contract, party=side, user=actor, full_name=re.sub(r"\s+", " ", full_name).strip(),
        ip=ip or None, user_agent=(user_agent or "")[:500], terms_sha256=contract.terms_sha256,
    )  # fmt: skip
    audit_record(actor=actor, verb="contract.sign", target=contract, side=side, ip=ip,
                 sha256=contract.terms_sha256)  # fmt: skip
    contract_requests_lapse(contract=contract, cause="signed", actor=actor)
    if contract.signatures.count() == 2:
        _contract_transition(contract, Contract.Status.ACTIVE)
        contract.signed_at = _now()
        contract.save(update_fields=["status", "signed_at"])
        audit_record(actor=None, verb="contract.activate", target=contract)
        outcomes.outcome_record(
            brief_id=contract.brief_id, artist_id=contract.artist_id, kind=outcomes.Kind.BOOKED
        )
        # The artist's payout split in force now is the one this contract pays (payments).
        hooks.announce(hooks.contract_signed, contract_id=contract.pk)
        _notify_on_commit("contract.signed", target=contract, sides=BOTH_SIDES, actor=actor)
        contract_id = contract.pk

        def render_pdf() -> None:
            from ..tasks import contract_render_pdf  # at use: the tasks import the services

            enqueue(contract_render_pdf, contract_id)

        transaction.on_commit(render_pdf)
    else:
        other = Side.ARTIST if side == Side.BRAND else Side.BRAND
        _notify_on_commit("contract.signed_by_one", target=contract, sides=[other], actor=actor)
    return contract


def _lock_milestones(contract: Contract) -> list[Milestone]:
    return list(Milestone.objects.select_for_update().filter(contract=contract).order_by("pk"))


def cancel_request_expires_at(contract: Contract) -> datetime | None:
    """When the pending cancellation request stops counting (None: no request pending)."""
    if not contract.cancel_requested_by:
        return None
    if contract.cancel_requested_at is None:  # from before requests had a time: expired
        return contract.created_at
    return contract.cancel_requested_at + cancel_request_ttl()


def cancel_request_expired(contract: Contract, *, now: datetime | None = None) -> bool:
    expires_at = cancel_request_expires_at(contract)
    return expires_at is not None and expires_at <= (now or _now())


def contract_requests_lapse(*, contract: Contract, cause: str, actor: User | None = None) -> None:
    """The contract changed (a signature, the funding, a deliverable's step): a pending request
    to cancel and an open settlement proposal no longer describe what their author agreed to,
    so they are cleared (and audited). Call inside the caller's transaction, contract locked.
    """
    if contract.cancel_requested_by:
        audit_record(actor=actor, verb="contract.cancel_request_lapse", target=contract,
                     side=contract.cancel_requested_by, cause=cause)  # fmt: skip
        contract.cancel_requested_by, contract.cancel_requested_at = "", None
        contract.cancel_reason = ""
        contract.save(update_fields=["cancel_requested_by", "cancel_requested_at", "cancel_reason"])
    _settlements_lapse(contract, cause=cause, actor=actor)


def _settlements_lapse(contract: Contract, *, cause: str, actor: User | None) -> None:
    for settlement in Settlement.objects.select_for_update().filter(
        contract=contract, status=Settlement.Status.OPEN
    ):
        settlement.status, settlement.answered_at = Settlement.Status.LAPSED, _now()
        settlement.save(update_fields=["status", "answered_at"])
        audit_record(actor=actor, verb="settlement.lapse", target=settlement, cause=cause)


# Deliverables whose work was handed in and not yet decided: no cancellation ends them, whoever
# asks; the parties settle or dispute, staff decide a dispute (never a silent cancellation).
HANDED_IN = {Milestone.Status.SUBMITTED, Milestone.Status.DISPUTED}
# The parties may cancel only while no work at all was handed in (once a deliverable came back
# with changes requested, ending the contract goes through a settlement, which says what is paid).
PARTY_BLOCKING = HANDED_IN | {Milestone.Status.CHANGES_REQUESTED}


@transaction.atomic
def contract_cancel(*, actor: User, contract: Contract, reason: str = "") -> Contract:
    """Cancel before any work is handed in: by both sides asking, or by staff at once.

    A request counts only until it expires (AUX_CANCEL_REQUEST_TTL_HOURS) and lapses when the
    contract changes (contract_requests_lapse). Once a deliverable is submitted, disputed or
    approved the contract ends only by completion, a settlement (settlement_propose) or a
    dispute decided by staff: a cancellation never takes delivered work back.
    """
    side = None if actor.is_staff else acting_side(
        actor, brand=contract.brand, artist=contract.artist
    )  # fmt: skip
    contract = _lock_contract(contract)
    milestones = _lock_milestones(contract)
    if Contract.Status.CANCELLED not in Contract.ALLOWED_TRANSITIONS[contract.status]:
        raise ConflictError(
            gettext("This contract is %(status)s; it cannot be cancelled.")
            % {"status": contract.get_status_display().lower()}
        )
    if any(m.status in (Milestone.Status.APPROVED, Milestone.Status.PAID) for m in milestones):
        raise ConflictError(
            gettext(
                "A deliverable of this contract is already approved; end it through a "
                "settlement or a dispute instead."
            )
        )
    blocking = HANDED_IN if side is None else PARTY_BLOCKING
    if any(m.status in blocking for m in milestones):
        if side is None:
            raise ConflictError(
                gettext(
                    "A deliverable of this contract has been handed in and is not decided; "
                    "staff decide it through a dispute, not by cancelling."
                )
            )
        raise ConflictError(
            gettext(
                "A deliverable of this contract has been handed in; it can no longer be "
                "cancelled: propose a settlement or open a dispute."
            )
        )
    now = _now()
    if side is not None and contract.cancel_requested_by and cancel_request_expired(contract):
        audit_record(actor=actor, verb="contract.cancel_request_expire", target=contract,
                     side=contract.cancel_requested_by)  # fmt: skip
        contract.cancel_requested_by, contract.cancel_requested_at = "", None
    if side is not None and contract.cancel_requested_by in ("", side):
        if contract.cancel_requested_by == side:
            raise ConflictError(
                gettext(
                    "This contract is %(status)s: the %(label)s already asked to cancel; the "
                    "other side must agree."
                )
                % {
                    "status": contract.get_status_display().lower(),
                    "label": Side(side).label.lower(),
                }
            )
        contract.cancel_requested_by, contract.cancel_requested_at = side, now
        contract.cancel_reason = reason.strip()[:500]
        contract.save(update_fields=["cancel_requested_by", "cancel_requested_at", "cancel_reason"])
        audit_record(actor=actor, verb="contract.cancel_request", target=contract, side=side,
                     reason=contract.cancel_reason)  # fmt: skip
        other = Side.ARTIST if side == Side.BRAND else Side.BRAND
        _notify_on_commit("contract.cancel_requested", target=contract, sides=[other], actor=actor)
        return contract
    _contract_transition(contract, Contract.Status.CANCELLED)
    contract.cancelled_at = now
    if reason.strip():
        contract.cancel_reason = reason.strip()[:500]
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    for m in milestones:
        # Only work not handed in (checked above; named here too, never "whatever the table
        # allows": a submitted deliverable is decided by a settlement or a dispute).
        if m.status in (Milestone.Status.PENDING, Milestone.Status.CHANGES_REQUESTED):
            m.status = Milestone.Status.CANCELLED
            m.save(update_fields=["status"])
    audit_record(actor=actor, verb="contract.cancel", target=contract, by_staff=side is None,
                 reason=contract.cancel_reason)  # fmt: skip
    _settlements_lapse(contract, cause="cancelled", actor=actor)
    hooks.announce(hooks.contract_cancelled, contract_id=contract.pk)
    _notify_on_commit("contract.cancelled", target=contract, sides=BOTH_SIDES, actor=actor)
    return contract


@transaction.atomic
def contract_mark_funded(*, contract_id: int, payment_id: int, gross: int) -> Contract:
    """Record that the escrow of the contract is funded (payments calls this when the money
    arrived, inside its own transaction). The money is real whatever the contract's state: a
    contract cancelled meanwhile is funded too and its escrow refunded (payments' sweep); a second
    payment is recorded (payments flags it) and keeps the first funding time. A pending request
    to cancel or settlement no longer counts. Audited; the artist and the brand are told.
    """
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    again = contract.funded
    contract.funded = True
    contract.funded_at = contract.funded_at if again and contract.funded_at else _now()
    contract.save(update_fields=["funded", "funded_at"])
    # A request to cancel made before the money was in no longer counts (the bookings rule).
    contract_requests_lapse(contract=contract, cause="funded")
    audit_record(actor=None, verb="contract.fund", target=contract, payment=payment_id,
                 gross=gross)  # fmt: skip
    kind = "contract.funded"
    recipients = [contract.artist.user] if contract.artist.user_id else []
    recipients += list(brand_recipients(contract.brand, kind=kind))
    notify(
        recipients=recipients, kind=kind, target=contract,
        text=gettext_noop("Escrow funded for %(brief)s"), params={"brief": str(contract.brief)},
        url=reverse("bookings:contract_detail", args=[contract.pk]),
    )  # fmt: skip
    return contract


def _maybe_complete(contract: Contract, milestones: list[Milestone]) -> None:
    done = {Milestone.Status.APPROVED, Milestone.Status.PAID, Milestone.Status.CANCELLED}
    delivered = {Milestone.Status.APPROVED, Milestone.Status.PAID}
    if (
        contract.status == Contract.Status.ACTIVE
        and all(m.status in done for m in milestones)
        and any(m.status in delivered for m in milestones)
    ):
        _contract_transition(contract, Contract.Status.COMPLETED)
        contract.completed_at = _now()
        contract.save(update_fields=["status", "completed_at"])
        audit_record(actor=None, verb="contract.complete", target=contract)
        _notify_on_commit("contract.completed", target=contract, sides=BOTH_SIDES)
