"""Writes on briefs: creation, edits, the draft → submitted → published → closed lifecycle."""

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django_countries import countries

from artists.models import Artist, DeliverableType, Genre, Mood, Rate
from aux.audit.services import audit_record
from aux.dispatch import enqueue, enqueue_on_commit
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.money import format_money
from aux.notifications import messages
from aux.users.models import User
from brands.models import Brand, BrandCategory, Membership

from .models import (
    Attachment,
    Brief,
    BriefDeliverable,
    Contract,
    Dispute,
    MatchCuration,
    Message,
    Milestone,
    Offer,
    OfferLine,
    OfferRevision,
    Review,
    Shortlist,
    Side,
    Signature,
)
from .permissions import brand_role, check_can_edit_brand_briefs

BRIEF_FIELDS = {
    "title", "description", "objective", "visibility", "fairness", "territories", "age_min",
    "age_max", "budget_min", "budget_max", "currency", "start_date", "end_date", "emerging_share",
}  # fmt: skip


def _set_deliverables(brief: Brief, deliverables: Iterable[dict[str, Any]]) -> None:
    """Replace the brief's deliverable lines (type, quantity, notes)."""
    rows = []
    for item in deliverables:
        dtype = item["deliverable_type"]
        if not isinstance(dtype, DeliverableType):
            dtype = DeliverableType.objects.get(pk=dtype)
        line = BriefDeliverable(
            brief=brief,
            deliverable_type=dtype,
            quantity=item.get("quantity", 1),
            notes=item.get("notes", ""),
        )
        line.full_clean(exclude=["brief"])
        rows.append(line)
    brief.deliverables.all().delete()
    BriefDeliverable.objects.bulk_create(rows)


def _apply(
    brief: Brief,
    fields: dict[str, Any],
    genres: Iterable[Genre] | None,
    moods: Iterable[Mood] | None,
    deliverables: Iterable[dict[str, Any]] | None,
) -> None:
    unknown = set(fields) - BRIEF_FIELDS
    if unknown:
        raise ValueError(f"Not brief fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(brief, name, value)
    brief.full_clean()
    brief.save()
    if genres is not None:
        brief.genres.set(genres)
    if moods is not None:
        brief.moods.set(moods)
    if deliverables is not None:
        _set_deliverables(brief, deliverables)


@transaction.atomic
def brief_create(
    *,
    actor: User,
    brand: Brand,
    genres: Iterable[Genre] | None = None,
    moods: Iterable[Mood] | None = None,
    deliverables: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> Brief:
    """Create a draft brief for `brand`. Only its owners and managers may."""
    check_can_edit_brand_briefs(actor, brand)
    fields.setdefault("emerging_share", Decimal(str(settings.AUX_DEFAULT_EMERGING_SHARE)))
    brief = Brief(brand=brand, created_by=actor, status=Brief.Status.DRAFT)
    _apply(brief, fields, genres, moods, deliverables)
    audit_record(actor=actor, verb="brief.create", target=brief)
    return brief


def _locked(brief: Brief) -> Brief:
    return Brief.objects.select_for_update().get(pk=brief.pk)


@transaction.atomic
def brief_update(
    *,
    actor: User,
    brief: Brief,
    genres: Iterable[Genre] | None = None,
    moods: Iterable[Mood] | None = None,
    deliverables: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> Brief:
    """Edit a brief that is not closed; a published brief's matches are recomputed after."""
    check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    if brief.status == Brief.Status.CLOSED:
        raise ConflictError(gettext("A closed brief cannot be changed."))
    _apply(brief, fields, genres, moods, deliverables)
    audit_record(actor=actor, verb="brief.update", target=brief, fields=sorted(fields))
    if brief.status == Brief.Status.PUBLISHED:
        _schedule_matching(brief)
    return brief


@transaction.atomic
def brief_delete(*, actor: User, brief: Brief) -> None:
    """Only a draft can be deleted; anything that was submitted stays, for the record."""
    check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    if brief.status != Brief.Status.DRAFT:
        raise ConflictError(gettext("Only a draft brief can be deleted; close it instead."))
    audit_record(actor=actor, verb="brief.delete", target=brief, title=brief.title)
    brief.delete()


def _transition(brief: Brief, to: str) -> None:
    if to not in Brief.ALLOWED_TRANSITIONS[brief.status]:
        raise ConflictError(
            gettext("A %(status)s brief cannot become %(label)s.")
            % {
                "status": brief.get_status_display().lower(),
                "label": Brief.Status(to).label.lower(),
            }
        )
    brief.status = to


def _check_ready(brief: Brief) -> None:
    missing = brief.missing_for_publication()
    if missing:
        raise ConflictError(
            "The brief is not ready to publish: it needs " + ", ".join(missing) + ".",
            errors={"brief": missing},
        )


def _schedule_matching(brief: Brief) -> None:
    from .tasks import brief_compute_matches

    brief_id = brief.pk
    enqueue_on_commit(brief_compute_matches, brief_id)


@transaction.atomic
def brief_publish(*, actor: User, brief: Brief) -> Brief:
    """Publish a complete brief, or submit it for staff approval when the setting asks for it.

    Staff publish submitted briefs (that is the approval). Matches are computed after commit.
    """
    is_staff = actor.is_staff
    if not is_staff:
        check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    now = timezone.now()
    if settings.AUX_BRIEF_REQUIRES_APPROVAL and not is_staff:
        _transition(brief, Brief.Status.SUBMITTED)
        brief.submitted_at = now
        verb = "brief.submit"
    else:
        _transition(brief, Brief.Status.PUBLISHED)
        brief.published_at, brief.published_by = now, actor
        verb = "brief.publish"
    _check_ready(brief)
    brief.save(update_fields=["status", "submitted_at", "published_at", "published_by"])
    audit_record(actor=actor, verb=verb, target=brief)
    if brief.status == Brief.Status.PUBLISHED:
        _schedule_matching(brief)
    return brief


@transaction.atomic
def brief_return_to_draft(*, actor: User, brief: Brief, reason: str = "") -> Brief:
    """Staff send a submitted brief back to the brand (approval refused), with a reason."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff review submitted briefs."))
    brief = _locked(brief)
    _transition(brief, Brief.Status.DRAFT)
    brief.save(update_fields=["status"])
    audit_record(actor=actor, verb="brief.return_to_draft", target=brief, reason=reason)
    return brief


@transaction.atomic
def brief_close(*, actor: User, brief: Brief) -> Brief:
    """Close a published brief: no new offers; existing bookings go on."""
    if not actor.is_staff:
        check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    _transition(brief, Brief.Status.CLOSED)
    brief.closed_at = timezone.now()
    brief.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, verb="brief.close", target=brief)
    return brief


@transaction.atomic
def curation_set(
    *,
    actor: User,
    brief: Brief,
    artist_id: int,
    pin_order: int | None = None,
    boost: float = 0.0,
    hidden: bool = False,
    note: str = "",
) -> MatchCuration:
    """Staff pin, boost or hide one artist in one brief's ranking; the ranking is recomputed."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff curate matches."))
    if hidden and pin_order is not None:
        raise ValidationError({"hidden": "An artist cannot be pinned and hidden at once."})
    curation, _ = MatchCuration.objects.select_for_update().get_or_create(
        brief=brief, artist_id=artist_id
    )
    curation.pin_order, curation.boost, curation.hidden, curation.note = (
        pin_order, boost, hidden, note.strip(),
    )  # fmt: skip
    curation.updated_by = actor
    curation.full_clean()
    curation.save()
    audit_record(
        actor=actor, verb="match.curate", target=brief, artist_id=artist_id,
        pin_order=pin_order, boost=boost, hidden=hidden, note=curation.note,
    )  # fmt: skip
    if brief.status == Brief.Status.PUBLISHED:
        _schedule_matching(brief)
    return curation


@transaction.atomic
def curation_clear(*, actor: User, brief: Brief, artist_id: int) -> None:
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff curate matches."))
    MatchCuration.objects.filter(brief=brief, artist_id=artist_id).delete()
    audit_record(actor=actor, verb="match.uncurate", target=brief, artist_id=artist_id)
    if brief.status == Brief.Status.PUBLISHED:
        _schedule_matching(brief)


@transaction.atomic
def shortlist_toggle(*, actor: User, brief: Brief, artist_id: int) -> bool:
    """Star or unstar an artist for a brief (any member of the brand). Returns the new state."""
    from .permissions import brand_role

    if brand_role(actor, brief.brand) is None:
        raise PermissionDeniedError(gettext("Only the brand's members keep its shortlist."))
    deleted, _ = Shortlist.objects.filter(brief=brief, artist_id=artist_id).delete()
    if deleted:
        return False
    Shortlist.objects.create(brief=brief, artist_id=artist_id, added_by=actor)
    return True


# --- Bookings: offers, contracts, milestones, messages, reviews, disputes ------------------------
# Every state change below locks its row (select_for_update; several rows in pk order), checks the
# model's ALLOWED_TRANSITIONS (ConflictError naming the current state) and the actor's side
# (PermissionDeniedError), records an audit event and calls _notify after commit.

CONTRACT_TEMPLATE_VERSION = "v1"
USAGE_CHANNELS = {
    "social": "Social media",
    "online_video": "Online video",
    "web": "Websites and e-commerce",
    "tv": "TV",
    "radio": "Radio and podcasts",
    "ooh": "Out of home",
    "print": "Print",
    "in_store": "In store",
    "events": "Live events",
    "streaming": "Streaming platforms",
}
OFFER_TERM_FIELDS = {
    "start_date", "end_date", "usage_channels", "usage_territories", "usage_term_months",
    "exclusivity_category", "exclusivity_months", "message",
}  # fmt: skip


BOTH_SIDES = (Side.BRAND, Side.ARTIST)

# Booking events → notification kinds (aux/notifications/models.py Kind).
NOTIFICATION_KINDS = {
    "offer.received": "offer.received", "offer.countered": "offer.countered",
    "offer.accepted": "offer.accepted", "offer.declined": "offer.declined",
    "offer.withdrawn": "offer.withdrawn", "offer.expired": "offer.expired",
    "contract.ready": "contract.ready", "contract.signed_by_one": "contract.signed_by_other",
    "contract.signed": "contract.active", "contract.cancel_requested": "contract.cancel_requested",
    "contract.cancelled": "contract.cancelled", "contract.completed": "contract.completed",
    "milestone.submitted": "deliverable.submitted", "milestone.approved": "deliverable.approved",
    "milestone.changes_requested": "deliverable.changes_requested",
    "milestone.overdue": "deliverable.overdue", "dispute.opened": "dispute.opened",
    "dispute.resolved": "dispute.resolved", "message.new": "message.new",
    "review.received": "review.received",
}  # fmt: skip


def _booking_of(target: Model) -> tuple[Offer, Contract | None, str, str]:
    """The offer, contract (if any), page URL and a short subject line for a booking object."""
    if isinstance(target, Offer):
        contract = getattr(target, "contract", None) if target.status == "accepted" else None
        url = reverse("bookings:offer_detail", args=[target.pk])
        return target, contract, url, str(target.brief)
    if isinstance(target, Message):
        offer, contract, url, subject = _booking_of(target.offer)
        return offer, contract, url, subject
    contract = {
        Contract: lambda t: t,
        Milestone: lambda t: t.contract,
        Dispute: lambda t: t.milestone.contract,
        Review: lambda t: t.contract,
    }[type(target)](target)
    url = reverse("bookings:contract_detail", args=[contract.pk])
    subject = f"{target.title} · {contract.brief}" if isinstance(target, Milestone) else ""
    return contract.offer, contract, url, subject or str(contract.brief)


def _notify(kind: str, *, target: Model, sides: Iterable[str], **data: Any) -> None:
    """Tell the given sides of a booking about an event (in-app and e-mail, by preference).

    The artist side is the artist's account; the brand side is the members whose role should see
    this kind (notifications.services.brand_recipients). Runs after commit (see below).
    """
    from aux.notifications.models import Kind
    from aux.notifications.services import brand_recipients, notify

    kind = NOTIFICATION_KINDS[kind]
    offer, _contract, url, subject = _booking_of(target)
    recipients: list[User] = []
    for side in sides:
        if side == Side.ARTIST and offer.artist.user_id:
            recipients.append(offer.artist.user)
        elif side == Side.BRAND:
            recipients.extend(brand_recipients(offer.brief.brand, kind=kind))
    notify(
        recipients=recipients,
        kind=kind,
        actor=data.get("actor"),
        target=target,
        text=gettext_noop("%(kind)s: %(subject)s"),
        params={"kind": messages.label(Kind(kind).label), "subject": subject},
        url=url,
    )


def _notify_on_commit(kind: str, *, target: Model, sides: Iterable[str], **data: Any) -> None:
    # notify() itself defers its writes to on_commit; deferring the lookup too keeps the
    # recipients as they are once the change is committed.
    sides = tuple(sides)
    transaction.on_commit(lambda: _notify(kind, target=target, sides=sides, **data))


def _on_milestone_approved(milestone: Milestone) -> None:
    """Payout hook (after commit): enqueue the transfer of the milestone to its payees."""
    from payments.services import payout_schedule

    payout_schedule(milestone_id=milestone.pk)


def _now() -> datetime:
    return timezone.now()


def offer_ttl() -> timedelta:
    return timedelta(days=getattr(settings, "AUX_OFFER_TTL_DAYS", 14))


def review_window() -> timedelta:
    return timedelta(days=getattr(settings, "AUX_REVIEW_WINDOW_DAYS", 7))


def is_social_type(dtype: DeliverableType | None) -> bool:
    slugs = getattr(settings, "AUX_SOCIAL_DELIVERABLE_SLUGS", ["social-post", "short-video"])
    return dtype is not None and dtype.slug in slugs


def _label(value: str) -> str:
    return str(value).replace("_", " ")


# --- who acts ----------------------------------------------------------------------------------


def party_side(user: User, *, brand: Brand, artist: Artist) -> str | None:
    """Which side of a booking the user belongs to (any brand role counts for reading)."""
    if not user.is_authenticated:
        return None
    if artist.user_id is not None and artist.user_id == user.pk:
        return Side.ARTIST
    if brand_role(user, brand) is not None:
        return Side.BRAND
    return None


def _acting_side(actor: User, *, brand: Brand, artist: Artist) -> str:
    """The side the actor acts for; brand viewers and outsiders may not act."""
    if actor.is_authenticated and artist.user_id is not None and artist.user_id == actor.pk:
        return Side.ARTIST
    role = brand_role(actor, brand)
    if role in (Membership.Role.OWNER, Membership.Role.MANAGER):
        return Side.BRAND
    if role == Membership.Role.VIEWER:
        raise PermissionDeniedError(gettext("Brand viewers can read bookings but not act on them."))
    raise PermissionDeniedError(gettext("You are not a party to this booking."))


def _require(side: str, wanted: str, what: str | Promise) -> None:
    if side != wanted:
        raise PermissionDeniedError(
            gettext("Only the %(label)s can %(what)s.")
            % {"label": Side(wanted).label.lower(), "what": what}
        )


# --- offers ------------------------------------------------------------------------------------


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk)


def _offer_transition(offer: Offer, to: str) -> None:
    if to not in Offer.ALLOWED_TRANSITIONS[offer.status]:
        raise ConflictError(
            gettext("This offer is %(status)s; it cannot become %(label)s.")
            % {
                "status": offer.get_status_display().lower(),
                "label": Offer.Status(to).label.lower(),
            }
        )
    offer.status = to


def _check_open_and_turn(offer: Offer, side: str, what: str) -> None:
    if not offer.is_open:
        raise ConflictError(
            gettext("This offer is %(status)s; it can no longer be %(what)s.")
            % {"status": offer.get_status_display().lower(), "what": what}
        )
    if offer.awaiting != side:
        raise ConflictError(
            gettext("This offer is %(status)s and waits for the %(label)s's answer.")
            % {
                "status": offer.get_status_display().lower(),
                "label": Side(offer.awaiting).label.lower(),
            }
        )
    if offer.expires_at <= _now():
        raise ConflictError(
            gettext("This offer expired on %(expires_at)s UTC; it can no longer be %(what)s.")
            % {"expires_at": format(offer.expires_at, "%Y-%m-%d %H:%M"), "what": what}
        )


def artist_min_fee(*, artist: Artist, dtype: DeliverableType, quantity: int, currency: str):
    """The artist's stated minimum for `quantity` × `dtype` in `currency` (None if not stated)."""
    rate = Rate.objects.filter(artist=artist, deliverable_type=dtype, currency=currency).first()
    return None if rate is None else rate.min_fee * quantity


def offer_prefill_lines(*, brief: Brief, artist: Artist) -> list[dict[str, Any]]:
    """The brief's deliverables with a suggested fee: the artist's stated minimum, if any."""
    lines = []
    for d in brief.deliverables.select_related("deliverable_type"):
        minimum = artist_min_fee(
            artist=artist, dtype=d.deliverable_type, quantity=d.quantity, currency=brief.currency
        )
        lines.append({
            "deliverable_type": d.deliverable_type, "quantity": d.quantity, "notes": d.notes,
            "fee": minimum or 0, "due_date": None, "min_fee": minimum,
        })  # fmt: skip
    return lines


def _clean_terms(terms: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    channels = list(terms.get("usage_channels") or [])
    bad = [c for c in channels if c not in USAGE_CHANNELS]
    if bad:
        errors["usage_channels"] = [f"Unknown usage channel(s): {', '.join(map(str, bad))}."]
    territories = [str(c).upper() for c in terms.get("usage_territories") or []]
    bad = [c for c in territories if c not in dict(countries)]
    if bad:
        errors["usage_territories"] = [f"Unknown country code(s): {', '.join(bad)}."]
    term = terms.get("usage_term_months")
    if term is None or not 1 <= int(term) <= 120:
        errors["usage_term_months"] = ["The usage term must be between 1 and 120 months."]
    category, months = terms.get("exclusivity_category"), terms.get("exclusivity_months")
    if category is not None and not isinstance(category, BrandCategory):
        category = BrandCategory.objects.filter(pk=category).first()
    if category is not None and not months:
        errors["exclusivity_months"] = ["Say for how many months exclusivity applies."]
    if months and category is None:
        errors["exclusivity_category"] = ["Exclusivity needs a brand category."]
    if months is not None and months and not 1 <= int(months) <= 60:
        errors["exclusivity_months"] = ["Exclusivity lasts between 1 and 60 months."]
    start, end = terms.get("start_date"), terms.get("end_date")
    if start and end and end < start:
        errors["end_date"] = ["The work must end on or after its start date."]
    if errors:
        raise ValidationError(errors)
    return {
        **terms,
        "usage_channels": sorted(set(channels)),
        "usage_territories": sorted(set(territories)),
        "usage_term_months": int(term),
        "exclusivity_category": category,
        "exclusivity_months": int(months) if category is not None else None,
        "message": (terms.get("message") or "").strip(),
    }


def _clean_lines(lines: Iterable[dict[str, Any]], *, artist: Artist, currency: str):
    out, errors = [], {}
    for i, item in enumerate(lines):
        dtype = item.get("deliverable_type")
        if dtype is not None and not isinstance(dtype, DeliverableType):
            dtype = DeliverableType.objects.filter(pk=dtype).first()
        if dtype is None:
            errors[f"lines.{i}.deliverable_type"] = ["Choose a deliverable type."]
            continue
        quantity, fee = int(item.get("quantity") or 1), item.get("fee")
        if fee is None or int(fee) <= 0:
            errors[f"lines.{i}.fee"] = ["Each deliverable needs a fee above zero."]
            continue
        if quantity < 1 or quantity > 100:
            errors[f"lines.{i}.quantity"] = ["The quantity must be between 1 and 100."]
            continue
        out.append({
            "deliverable_type": dtype, "quantity": quantity, "fee": int(fee),
            "notes": (item.get("notes") or "").strip()[:240], "due_date": item.get("due_date"),
            "min_fee": artist_min_fee(artist=artist, dtype=dtype, quantity=quantity,
                                      currency=currency),
        })  # fmt: skip
    if not out and not errors:
        errors["lines"] = ["An offer needs at least one deliverable."]
    if errors:
        raise ValidationError(errors)
    return out


def _clean_offer(terms: dict, lines: Iterable[dict], *, artist: Artist, currency: str):
    """Validate terms and lines together, so that every field error is reported at once."""
    errors: dict[str, list[str]] = {}
    clean_terms = clean_lines = None
    try:
        clean_terms = _clean_terms(terms)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean_lines = _clean_lines(lines, artist=artist, currency=currency)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean_terms, clean_lines


def _add_revision(
    offer: Offer, *, side: str, actor: User | None, terms: dict, lines: list[dict]
) -> OfferRevision:
    """Store a new revision with its lines and mirror its terms on the offer."""
    number = (offer.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = OfferRevision(
        offer=offer, number=number, author_side=side, author=actor, currency=offer.currency,
        total=sum(line["fee"] for line in lines),
        **{k: terms[k] for k in OFFER_TERM_FIELDS},
    )  # fmt: skip
    revision.full_clean(exclude=["offer"])
    revision.save()
    OfferLine.objects.bulk_create([OfferLine(revision=revision, **line) for line in lines])
    for name in OfferRevision.TERM_FIELDS:
        setattr(offer, name, getattr(revision, name))
    offer.current_revision = revision
    offer.below_min_fee = any(
        line["min_fee"] is not None and line["fee"] < line["min_fee"] for line in lines
    )
    return revision


def _current_terms(offer: Offer) -> dict[str, Any]:
    return {name: getattr(offer, name) for name in OFFER_TERM_FIELDS}


def _current_lines(offer: Offer) -> list[dict[str, Any]]:
    return [
        {"deliverable_type": line.deliverable_type, "quantity": line.quantity, "fee": line.fee,
         "notes": line.notes, "due_date": line.due_date}
        for line in offer.current_revision.lines.select_related("deliverable_type")
    ]  # fmt: skip


@transaction.atomic
def offer_create(
    *,
    actor: User,
    brief: Brief,
    artist: Artist,
    lines: Iterable[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    usage_channels: Iterable[str] = ("social",),
    usage_territories: Iterable[str] | None = None,
    usage_term_months: int = 12,
    exclusivity_category: BrandCategory | None = None,
    exclusivity_months: int | None = None,
    message: str = "",
) -> Offer:
    """A brand owner/manager offers a published brief's work to one artist.

    Lines default to the brief's deliverables priced at the artist's stated minimum; a fee below
    that minimum is allowed and flagged (`below_min_fee`). An artist without payouts set up can
    still receive offers (payouts are needed only to be paid). One open offer per (brief, artist).
    """
    check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    if brief.status != Brief.Status.PUBLISHED:
        raise ConflictError(
            gettext("This brief is %(status)s; offers are made on published briefs only.")
            % {"status": brief.get_status_display().lower()}
        )
    if artist.user_id is None:
        raise ConflictError(
            gettext("This artist has not claimed their profile yet, so cannot answer.")
        )
    if Offer.objects.filter(brief=brief, artist=artist, status__in=Offer.OPEN_STATUSES).exists():
        raise ConflictError(gettext("This artist already has an open offer for this brief."))
    now = _now()
    expires_at = expires_at or now + offer_ttl()
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    terms = {
        "start_date": start_date or brief.start_date, "end_date": end_date or brief.end_date,
        "usage_channels": usage_channels,
        "usage_territories": brief.territories if usage_territories is None else usage_territories,
        "usage_term_months": usage_term_months, "exclusivity_category": exclusivity_category,
        "exclusivity_months": exclusivity_months, "message": message,
    }  # fmt: skip
    if lines is None:
        lines = offer_prefill_lines(brief=brief, artist=artist)
    terms, clean_lines = _clean_offer(terms, lines, artist=artist, currency=brief.currency)
    offer = Offer(
        brief=brief, artist=artist, created_by=actor, status=Offer.Status.SENT,
        awaiting=Side.ARTIST, expires_at=expires_at, currency=brief.currency,
    )  # fmt: skip
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        # Two managers sending at once: the partial unique constraint decides.
        raise ConflictError(
            gettext("This artist already has an open offer for this brief.")
        ) from None
    _add_revision(offer, side=Side.BRAND, actor=actor, terms=terms, lines=clean_lines)
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, verb="offer.create", target=offer, total=offer.total,
                 below_min_fee=offer.below_min_fee)  # fmt: skip
    _notify_on_commit("offer.received", target=offer, sides=[Side.ARTIST], actor=actor)
    return offer


@transaction.atomic
def offer_counter(
    *,
    actor: User,
    offer: Offer,
    lines: Iterable[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
    **changes: Any,
) -> Offer:
    """The side whose turn it is proposes changed fees, dates or terms (a new revision).

    An artist's counter makes the offer `countered` (the brand answers next); a brand's counter
    makes it `sent` again (the artist answers next). Something must change.
    """
    unknown = set(changes) - OFFER_TERM_FIELDS
    if unknown:
        raise ValueError(f"Not offer terms: {sorted(unknown)}")
    side = _acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    offer = _lock_offer(offer)
    _check_open_and_turn(offer, side, "countered")
    before = (_current_terms(offer), _current_lines(offer))
    terms, new_lines = _clean_offer(
        {**_current_terms(offer), **changes}, _current_lines(offer) if lines is None else lines,
        artist=offer.artist, currency=offer.currency,
    )  # fmt: skip
    comparable = [{k: v for k, v in line.items() if k != "min_fee"} for line in new_lines]
    if (terms, comparable) == before:
        raise ValidationError({"lines": "A counter-offer must change a fee, a date or a term."})
    _offer_transition(offer, Offer.Status.COUNTERED if side == Side.ARTIST else Offer.Status.SENT)
    revision = _add_revision(offer, side=side, actor=actor, terms=terms, lines=new_lines)
    offer.awaiting = Side.BRAND if side == Side.ARTIST else Side.ARTIST
    offer.expires_at = expires_at or max(offer.expires_at, _now() + offer_ttl())
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, verb="offer.counter", target=offer, side=side,
                 revision=revision.number, total=offer.total)  # fmt: skip
    _notify_on_commit("offer.countered", target=offer, sides=[offer.awaiting], actor=actor)
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer: Offer) -> Offer:
    """The side whose turn it is accepts the current revision; the contract is created."""
    side = _acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    offer = _lock_offer(offer)
    _check_open_and_turn(offer, side, "accepted")
    _offer_transition(offer, Offer.Status.ACCEPTED)
    offer.awaiting, offer.closed_at = "", _now()
    offer.save(update_fields=["status", "awaiting", "closed_at", "updated_at"])
    contract = _contract_create(offer=offer)
    audit_record(actor=actor, verb="offer.accept", target=offer, side=side,
                 revision=offer.current_revision.number, contract=contract.pk)  # fmt: skip
    _notify_on_commit("offer.accepted", target=offer, sides=BOTH_SIDES, actor=actor)
    return offer


@transaction.atomic
def offer_decline(*, actor: User, offer: Offer, reason: str = "") -> Offer:
    """The artist turns the offer down (at any point of the negotiation), optionally saying why."""
    side = _acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    _require(side, Side.ARTIST, gettext_lazy("decline an offer (the brand withdraws it instead)"))
    offer = _lock_offer(offer)
    _offer_transition(offer, Offer.Status.DECLINED)
    offer.awaiting, offer.closed_at = "", _now()
    offer.decline_reason = reason.strip()[:500]
    offer.save(update_fields=["status", "awaiting", "closed_at", "decline_reason", "updated_at"])
    audit_record(actor=actor, verb="offer.decline", target=offer, reason=offer.decline_reason)
    _notify_on_commit("offer.declined", target=offer, sides=[Side.BRAND], actor=actor)
    return offer


@transaction.atomic
def offer_withdraw(*, actor: User, offer: Offer) -> Offer:
    """The brand takes its offer back before it is accepted."""
    side = _acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    _require(side, Side.BRAND, gettext_lazy("withdraw an offer (the artist declines it instead)"))
    offer = _lock_offer(offer)
    _offer_transition(offer, Offer.Status.WITHDRAWN)
    offer.awaiting, offer.closed_at = "", _now()
    offer.save(update_fields=["status", "awaiting", "closed_at", "updated_at"])
    audit_record(actor=actor, verb="offer.withdraw", target=offer)
    _notify_on_commit("offer.withdrawn", target=offer, sides=[Side.ARTIST], actor=actor)
    return offer


@transaction.atomic
def offer_expire(*, offer: Offer, now: datetime | None = None) -> bool:
    """Expire an open offer whose expiry has passed. Safe to run twice: False when nothing to do."""
    now = now or _now()
    offer = _lock_offer(offer)
    if not offer.is_open or offer.expires_at > now:
        return False
    _offer_transition(offer, Offer.Status.EXPIRED)
    offer.awaiting, offer.closed_at = "", now
    offer.save(update_fields=["status", "awaiting", "closed_at", "updated_at"])
    audit_record(actor=None, verb="offer.expire", target=offer)
    _notify_on_commit("offer.expired", target=offer, sides=BOTH_SIDES)
    return True


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Expire every open offer past its expiry (the beat task). Each in its own transaction."""
    now = now or _now()
    due = Offer.objects.filter(status__in=Offer.OPEN_STATUSES, expires_at__lte=now)
    return sum(offer_expire(offer=o, now=now) for o in due.order_by("pk"))


# --- contracts -----------------------------------------------------------------------------------


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
    channels = [USAGE_CHANNELS.get(c, c) for c in revision.usage_channels]
    territories = [str(dict(countries).get(c, c)) for c in revision.usage_territories]
    return render_to_string(
        f"campaigns/contracts/terms_{CONTRACT_TEMPLATE_VERSION}.txt",
        {
            "version": CONTRACT_TEMPLATE_VERSION, "offer": offer, "revision": revision,
            "brief": offer.brief, "brand": offer.brief.brand, "artist": offer.artist,
            "lines": lines, "total_text": format_money(revision.total, revision.currency),
            "review_days": review_window().days,
            "channels_text": ", ".join(channels) or "none",
            "territories_text": ", ".join(territories) or "worldwide",
            "has_social": any(is_social_type(line.deliverable_type) for line in lines),
        },
    )  # fmt: skip


def terms_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _contract_create(*, offer: Offer) -> Contract:
    """Freeze the accepted revision as contract text and turn its lines into milestones."""
    revision = offer.current_revision
    text = contract_terms_render(offer=offer, revision=revision)
    contract = Contract(
        offer=offer, brief=offer.brief, brand=offer.brief.brand, artist=offer.artist,
        template_version=CONTRACT_TEMPLATE_VERSION, terms_text=text,
        terms_sha256=terms_hash(text), currency=revision.currency, total=revision.total,
    )  # fmt: skip
    contract.full_clean(exclude=["offer"])
    contract.save()
    Milestone.objects.bulk_create(
        Milestone(
            contract=contract, title=f"{line.quantity} × {line.deliverable_type.name}",
            deliverable_type=line.deliverable_type,
            is_social=is_social_type(line.deliverable_type), amount=line.fee,
            currency=revision.currency, due_date=line.due_date or revision.end_date,
        )
        for line in revision.lines.select_related("deliverable_type")
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
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    errors = {}
    if not confirm:
        errors["confirm"] = ["Confirm that you have read and agree to the terms."]
    typed = _normalise_name(full_name)
    if len(typed) < 2:
        errors["full_name"] = ["Type your full name to sign."]
    elif actor.name and typed != _normalise_name(actor.name):
        errors["full_name"] = [f"Type your full name exactly as on your account: {actor.name}."]
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
    if contract.signatures.count() == 2:
        _contract_transition(contract, Contract.Status.ACTIVE)
        contract.signed_at = _now()
        contract.save(update_fields=["status", "signed_at"])
        audit_record(actor=None, verb="contract.activate", target=contract)
        # The artist's payout split in force now is the one this contract pays (payments).
        from payments.services import contract_payees_freeze

        contract_payees_freeze(contract=contract)
        _notify_on_commit("contract.signed", target=contract, sides=BOTH_SIDES, actor=actor)
        contract_id = contract.pk

        def render_pdf() -> None:
            from .tasks import contract_render_pdf

            enqueue(contract_render_pdf, contract_id)

        transaction.on_commit(render_pdf)
    else:
        other = Side.ARTIST if side == Side.BRAND else Side.BRAND
        _notify_on_commit("contract.signed_by_one", target=contract, sides=[other], actor=actor)
    return contract


def _lock_milestones(contract: Contract) -> list[Milestone]:
    return list(Milestone.objects.select_for_update().filter(contract=contract).order_by("pk"))


@transaction.atomic
def contract_cancel(*, actor: User, contract: Contract, reason: str = "") -> Contract:
    """Cancel before any deliverable is approved: by both sides asking, or by staff at once.

    After an approval the contract ends only by completion or through a dispute.
    """
    side = None if actor.is_staff else _acting_side(
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
            gettext("A deliverable of this contract is already approved; open a dispute instead.")
        )
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
        contract.cancel_requested_by = side
        contract.cancel_reason = reason.strip()[:500]
        contract.save(update_fields=["cancel_requested_by", "cancel_reason"])
        audit_record(actor=actor, verb="contract.cancel_request", target=contract, side=side,
                     reason=contract.cancel_reason)  # fmt: skip
        other = Side.ARTIST if side == Side.BRAND else Side.BRAND
        _notify_on_commit("contract.cancel_requested", target=contract, sides=[other], actor=actor)
        return contract
    _contract_transition(contract, Contract.Status.CANCELLED)
    contract.cancelled_at = _now()
    if reason.strip():
        contract.cancel_reason = reason.strip()[:500]
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    for m in milestones:
        if Milestone.Status.CANCELLED in Milestone.ALLOWED_TRANSITIONS[m.status] or (
            m.status == Milestone.Status.SUBMITTED
        ):
            m.status = Milestone.Status.CANCELLED
            m.save(update_fields=["status"])
    audit_record(actor=actor, verb="contract.cancel", target=contract, by_staff=side is None,
                 reason=contract.cancel_reason)  # fmt: skip
    if contract.funded:
        from payments.services import on_contract_cancelled

        contract_id = contract.pk
        transaction.on_commit(lambda: on_contract_cancelled(contract_id=contract_id))
    _notify_on_commit("contract.cancelled", target=contract, sides=BOTH_SIDES, actor=actor)
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


# --- milestones ----------------------------------------------------------------------------------


def _lock_milestone(milestone: Milestone) -> tuple[Contract, Milestone, list[Milestone]]:
    """Lock the contract, then its milestones in pk order (the one lock order everywhere)."""
    contract = _lock_contract(milestone.contract)
    siblings = _lock_milestones(contract)
    return contract, next(m for m in siblings if m.pk == milestone.pk), siblings


def _milestone_transition(milestone: Milestone, to: str) -> None:
    if to not in Milestone.ALLOWED_TRANSITIONS[milestone.status]:
        raise ConflictError(
            gettext("This deliverable is %(status)s; it cannot become %(label)s.")
            % {
                "status": milestone.get_status_display().lower(),
                "label": Milestone.Status(to).label.lower(),
            }
        )
    milestone.status = to


def _clean_links(links: Iterable[str]) -> list[str]:
    out = []
    for link in links:
        link = (link or "").strip()
        if not link:
            continue
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
            raise ValidationError({"links": f"Not a web address: {link[:80]}"})
        out.append(link)
    if len(out) > 10:
        raise ValidationError({"links": "At most 10 links."})
    return out


def _attachments_save(
    files: list[tuple[Any, str, str]],
    *,
    actor: User,
    message: Message | None = None,
    milestone: Milestone | None = None,
) -> list[Attachment]:
    """Store files already checked by campaigns.attachments.attachments_validate."""
    saved = []
    for content, content_type, name in files:
        attachment = Attachment(
            original_name=name, content_type=content_type, size=content.size,
            uploaded_by=actor, message=message, milestone=milestone,
        )  # fmt: skip
        attachment.file.save(content.name, content, save=False)
        attachment.full_clean()
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def milestone_submit(
    *,
    actor: User,
    milestone: Milestone,
    note: str = "",
    links: Iterable[str] = (),
    disclosure_confirmed: bool = False,
    attachments: Iterable[Any] | None = None,
) -> Milestone:
    """The artist hands in a deliverable with proof; the brand's review window starts.

    Proof is a note, links and/or up to five files (images or PDFs, checked by content in
    campaigns.attachments); the files are kept with the milestone across resubmissions.
    """
    from .attachments import attachments_validate

    contract = milestone.contract
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    _require(side, Side.ARTIST, gettext_lazy("submit a deliverable"))
    clean_links = _clean_links(links)
    files = attachments_validate(attachments)
    if not note.strip() and not clean_links and not files:
        raise ValidationError({"note": "Add a note, a link or a file that shows the work."})
    contract, milestone, _siblings = _lock_milestone(milestone)
    if contract.status != Contract.Status.ACTIVE:
        raise ConflictError(
            gettext(
                "This contract is %(status)s; deliverables can be submitted once both sides have "
                "signed."
            )
            % {"status": contract.get_status_display().lower()}
        )
    if not contract.funded:
        raise ConflictError(
            gettext(
                "This contract is not funded yet; deliverables can be submitted once the brand "
                "has paid the escrow."
            )
        )
    if milestone.is_social and not disclosure_confirmed:
        raise ValidationError(
            {"disclosure_confirmed": "Confirm the paid-partnership disclosure (#ad or label)."}
        )
    _milestone_transition(milestone, Milestone.Status.SUBMITTED)
    now = _now()
    milestone.proof_note, milestone.proof_links = note.strip(), clean_links
    milestone.disclosure_confirmed = bool(disclosure_confirmed)
    milestone.submitted_at, milestone.review_due_at = now, now + review_window()
    milestone.save()
    stored = _attachments_save(files, actor=actor, milestone=milestone)
    audit_record(
        actor=actor, verb="milestone.submit", target=milestone, links=clean_links,
        attachments=[a.pk for a in stored],
    )  # fmt: skip
    _notify_on_commit("milestone.submitted", target=milestone, sides=[Side.BRAND], actor=actor)
    return milestone


def _approve(milestone: Milestone, *, actor: User | None, amount: int, auto: bool) -> None:
    milestone.approved_at, milestone.approved_by = _now(), actor
    milestone.approved_amount, milestone.auto_approved = amount, auto
    milestone.save()
    transaction.on_commit(lambda: _on_milestone_approved(milestone))
    _notify_on_commit("milestone.approved", target=milestone, sides=BOTH_SIDES, actor=actor)


@transaction.atomic
def milestone_approve(*, actor: User, milestone: Milestone) -> Milestone:
    """The brand approves a submitted deliverable: final, and the payout follows."""
    contract = milestone.contract
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    _require(side, Side.BRAND, gettext_lazy("approve a deliverable"))
    contract, milestone, siblings = _lock_milestone(milestone)
    if milestone.status == Milestone.Status.DISPUTED:
        # The table lets a disputed deliverable become approved, but only by staff's decision.
        raise ConflictError(gettext("This deliverable is disputed; AUX staff will decide it."))
    _milestone_transition(milestone, Milestone.Status.APPROVED)
    _approve(milestone, actor=actor, amount=milestone.amount, auto=False)
    audit_record(actor=actor, verb="milestone.approve", target=milestone)
    _maybe_complete(contract, siblings)
    return milestone


@transaction.atomic
def milestone_request_changes(*, actor: User, milestone: Milestone, reason: str) -> Milestone:
    """The brand sends a submitted deliverable back with a reason; the artist resubmits."""
    contract = milestone.contract
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    _require(side, Side.BRAND, gettext_lazy("request changes"))
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say what should change."})
    contract, milestone, _siblings = _lock_milestone(milestone)
    _milestone_transition(milestone, Milestone.Status.CHANGES_REQUESTED)
    milestone.changes_reason, milestone.review_due_at = reason.strip(), None
    milestone.save()
    audit_record(actor=actor, verb="milestone.request_changes", target=milestone,
                 reason=milestone.changes_reason)  # fmt: skip
    _notify_on_commit(
        "milestone.changes_requested", target=milestone, sides=[Side.ARTIST], actor=actor
    )
    return milestone


@transaction.atomic
def milestone_auto_approve(*, milestone: Milestone, now: datetime | None = None) -> bool:
    """Approve a submitted deliverable whose review window has passed in silence.

    Safe to run twice: returns False when it is not (or no longer) due.
    """
    now = now or _now()
    contract, milestone, siblings = _lock_milestone(milestone)
    if (
        milestone.status != Milestone.Status.SUBMITTED
        or milestone.review_due_at is None
        or milestone.review_due_at > now
    ):
        return False
    _milestone_transition(milestone, Milestone.Status.APPROVED)
    _approve(milestone, actor=None, amount=milestone.amount, auto=True)
    audit_record(actor=None, verb="milestone.auto_approve", target=milestone)
    _maybe_complete(contract, siblings)
    return True


def milestones_auto_approve_due(*, now: datetime | None = None) -> int:
    now = now or _now()
    due = Milestone.objects.filter(status=Milestone.Status.SUBMITTED, review_due_at__lte=now)
    return sum(milestone_auto_approve(milestone=m, now=now) for m in due.order_by("pk"))


@transaction.atomic
def milestones_flag_overdue(*, today: date | None = None) -> int:
    """Flag (once) every unfinished deliverable of an active contract past its due date."""
    today = today or timezone.localdate()
    overdue = (
        Milestone.objects.select_for_update()
        .filter(
            contract__status=Contract.Status.ACTIVE,
            status__in=[Milestone.Status.PENDING, Milestone.Status.CHANGES_REQUESTED],
            due_date__lt=today,
            overdue_flagged_at__isnull=True,
        )
        .order_by("pk")
    )
    flagged = 0
    for m in overdue:
        m.overdue_flagged_at = _now()
        m.save(update_fields=["overdue_flagged_at"])
        audit_record(actor=None, verb="milestone.overdue", target=m, due_date=str(m.due_date))
        _notify_on_commit("milestone.overdue", target=m, sides=BOTH_SIDES)
        flagged += 1
    return flagged


SWEEP_WINDOW = timedelta(days=2)  # how long a sweep keeps trying work that never happened


def background_sweep(*, older_than_minutes: int = 5) -> int:
    """Queue again the work whose task never reached a worker (the broker was down when it was
    sent, see aux.dispatch): the PDF of contracts signed without one, and the ranking of briefs
    published but never ranked since. Both tasks are idempotent. Returns how many were queued.
    """
    from .tasks import brief_compute_matches, contract_render_pdf

    cutoff = _now() - timedelta(minutes=older_than_minutes)
    since = (cutoff - SWEEP_WINDOW, cutoff)
    contracts = Contract.objects.filter(signed_at__range=since, pdf="").values_list("pk", flat=True)
    briefs = (
        Brief.objects.filter(status=Brief.Status.PUBLISHED, published_at__range=since)
        .filter(Q(matches_computed_at__isnull=True) | Q(matches_computed_at__lt=F("published_at")))
        .values_list("pk", flat=True)
    )
    queued = sum(enqueue(contract_render_pdf, pk) for pk in contracts)
    return queued + sum(enqueue(brief_compute_matches, pk) for pk in briefs)


@transaction.atomic
def dispute_open(*, actor: User, milestone: Milestone, reason: str) -> Dispute:
    """Either side disputes a submitted deliverable; staff decide. The contract is disputed."""
    contract = milestone.contract
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain what the dispute is about."})
    contract, milestone, _siblings = _lock_milestone(milestone)
    _milestone_transition(milestone, Milestone.Status.DISPUTED)
    milestone.review_due_at = None
    milestone.save(update_fields=["status", "review_due_at"])
    if contract.status == Contract.Status.ACTIVE:
        _contract_transition(contract, Contract.Status.DISPUTED)
        contract.save(update_fields=["status"])
    dispute = Dispute.objects.create(
        milestone=milestone, opened_by=actor, opened_by_side=side, reason=reason.strip()
    )
    audit_record(actor=actor, verb="dispute.open", target=dispute, side=side)
    _notify_on_commit("dispute.opened", target=dispute, sides=BOTH_SIDES, actor=actor)
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    dispute: Dispute,
    decision: str,
    decision_text: str,
    amount: int | None = None,
) -> Dispute:
    """Staff decide a dispute in writing: approve in full, approve a partial amount, or cancel."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff resolve disputes."))
    if decision not in Dispute.Decision.values:
        raise ValidationError({"decision": "Choose approve, partial or cancel."})
    if not (decision_text or "").strip():
        raise ValidationError({"decision_text": "Write the decision down for both sides."})
    contract, milestone, siblings = _lock_milestone(dispute.milestone)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ConflictError(gettext("This dispute is resolved already."))
    if decision == Dispute.Decision.PARTIAL and (
        amount is None or not 0 < amount < milestone.amount
    ):
        raise ValidationError(
            {"amount": "A partial amount is above zero and below the deliverable's amount."}
        )
    if decision == Dispute.Decision.CANCEL:
        _milestone_transition(milestone, Milestone.Status.CANCELLED)
        milestone.save(update_fields=["status"])
        paid = None
    else:
        _milestone_transition(milestone, Milestone.Status.APPROVED)
        paid = milestone.amount if decision == Dispute.Decision.APPROVE else amount
        _approve(milestone, actor=actor, amount=paid, auto=False)
    dispute.status, dispute.decision = Dispute.Status.RESOLVED, decision
    dispute.decision_text, dispute.amount = decision_text.strip(), paid
    dispute.resolved_by, dispute.resolved_at = actor, _now()
    dispute.save()
    still_open = Dispute.objects.filter(
        milestone__contract=contract, status=Dispute.Status.OPEN
    ).exists()
    if contract.status == Contract.Status.DISPUTED and not still_open:
        _contract_transition(contract, Contract.Status.ACTIVE)
        contract.save(update_fields=["status"])
    audit_record(actor=actor, verb="dispute.resolve", target=dispute, decision=decision,
                 amount=paid)  # fmt: skip
    if contract.funded and decision != Dispute.Decision.APPROVE:
        from payments.services import on_dispute_resolved

        dispute_id = dispute.pk
        transaction.on_commit(lambda: on_dispute_resolved(dispute_id=dispute_id))
    _maybe_complete(contract, siblings)
    _notify_on_commit("dispute.resolved", target=dispute, sides=BOTH_SIDES, actor=actor)
    return dispute


# --- messages and reviews ------------------------------------------------------------------------


def thread_is_open(offer: Offer) -> bool:
    """Messages can be written while negotiating and while the contract runs."""
    if offer.is_open:
        return True
    contract = Contract.objects.filter(offer=offer).first()
    return contract is not None and contract.status != Contract.Status.CANCELLED


def contact_details_visible(offer: Offer) -> bool:
    """Contact details are shown once both sides have signed the offer's contract."""
    return Contract.objects.filter(offer=offer, signed_at__isnull=False).exists()


@transaction.atomic
def message_post(
    *, actor: User, offer: Offer, body: str, attachments: Iterable[Any] | None = None
) -> Message:
    """A party writes in the offer's thread (also the contract's thread).

    Up to five files (images or PDFs, checked by content in campaigns.attachments) may come
    with the message; a message with files may have no text. Masking of contact details applies
    to the text only (see campaigns.attachments).
    """
    from .attachments import attachments_validate

    side = _acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    body = (body or "").strip()
    files = attachments_validate(attachments)
    if not body and not files:
        raise ValidationError({"body": "Write a message."})
    if len(body) > 5000:
        raise ValidationError({"body": "A message has at most 5000 characters."})
    if not thread_is_open(offer):
        raise ConflictError(
            gettext("This offer is %(status)s; its thread is closed.")
            % {"status": offer.get_status_display().lower()}
        )
    message = Message.objects.create(offer=offer, author=actor, side=side, body=body)
    _attachments_save(files, actor=actor, message=message)
    other = Side.ARTIST if side == Side.BRAND else Side.BRAND
    _notify_on_commit("message.new", target=message, sides=[other], actor=actor)
    return message


@transaction.atomic
def review_create(*, actor: User, contract: Contract, rating: int, text: str = "") -> Review:
    """After completion each side rates the other once (1–5 with text)."""
    side = _acting_side(actor, brand=contract.brand, artist=contract.artist)
    contract = _lock_contract(contract)
    if contract.status != Contract.Status.COMPLETED:
        raise ConflictError(
            gettext("This contract is %(status)s; reviews come after completion.")
            % {"status": contract.get_status_display().lower()}
        )
    if Review.objects.filter(contract=contract, author_side=side).exists():
        raise ConflictError(
            gettext("The %(label)s has already reviewed this booking.")
            % {"label": Side(side).label.lower()}
        )
    review = Review(
        contract=contract, author_side=side, author=actor, rating=rating, text=text.strip()
    )
    review.full_clean()
    review.save()
    audit_record(actor=actor, verb="review.create", target=review, rating=rating)
    other = Side.ARTIST if side == Side.BRAND else Side.BRAND
    _notify_on_commit("review.received", target=review, sides=[other], actor=actor)
    return review


def offer_get_for(*, user: User, pk: int) -> Offer:
    """An offer the user may see (party or staff), else NotFoundError (no id probing)."""
    from .selectors import offers_visible_to

    offer = offers_visible_to(user=user).filter(pk=pk).first()
    if offer is None:
        raise NotFoundError(gettext("No such offer."))
    return offer


# --- Open calls and applications -----------------------------------------------------------------
# A published public brief marked `open_call` takes applications from artists who pass its hard
# filters. Eligibility is checked here straight from the artist's rates, unavailability, refused
# categories and staff curation, in the engine's filter order (campaigns/matching/engine.py
# `_filter`), not from the memory-mapped snapshot: the snapshot refresh is debounced, and an
# artist who just added a rate must be able to apply at once and be told exactly what is missing.

from .models import Application, MatchCuration  # noqa: E402


def application_eligibility(*, brief: Brief, artist: Artist) -> list[str]:
    """Why the artist fails the brief's hard filters (empty when they pass them all)."""
    reasons: list[str] = []
    rates = {r.deliverable_type_id: r for r in Rate.objects.filter(artist=artist)}
    lines = list(brief.deliverables.select_related("deliverable_type"))
    missing = [d.deliverable_type.name for d in lines if d.deliverable_type_id not in rates]
    if missing:
        reasons.append(f"You do not offer {', '.join(missing)} (add a rate on your profile).")
    if brief.start_date and brief.end_date:
        busy = artist.unavailabilities.filter(start__lte=brief.end_date, end__gte=brief.start_date)
        if busy.exists():
            reasons.append("You marked yourself unavailable during the campaign's dates.")
    category = brief.brand.category_id
    if category is not None and artist.refused_categories.filter(pk=category).exists():
        reasons.append("You refuse work for brands in this category.")
    if not missing and brief.budget_max is not None:
        fx = settings.AUX_FX_RATES
        total = 0
        for d in lines:
            rate = rates[d.deliverable_type_id]
            total += round(rate.min_fee * fx[rate.currency] / fx[brief.currency]) * d.quantity
        if total > brief.budget_max:
            reasons.append(
                f"Your minimum fees ({format_money(total, brief.currency)}) are above the "
                f"brief's budget ({format_money(brief.budget_max, brief.currency)})."
            )
    if MatchCuration.objects.filter(brief=brief, artist=artist, hidden=True).exists():
        reasons.append("AUX staff have excluded you from this brief.")
    return reasons


def _check_open_call(brief: Brief) -> None:
    if not brief.open_call:
        raise ConflictError(
            gettext("This brief is not an open call; the brand contacts artists itself.")
        )
    if brief.status != Brief.Status.PUBLISHED:
        raise ConflictError(
            gettext("This brief is %(status)s; applications are taken while it is published.")
            % {"status": brief.get_status_display().lower()}
        )


@transaction.atomic
def brief_open_call_set(*, actor: User, brief: Brief, open_call: bool) -> Brief:
    """An owner/manager opens the brief to applications (or stops taking them).

    An open call must be public: artists have to see the brief to apply.
    """
    check_can_edit_brand_briefs(actor, brief.brand)
    brief = _locked(brief)
    if open_call and brief.visibility != Brief.Visibility.PUBLIC:
        raise ValidationError({"open_call": "Only a public brief can be an open call."})
    if open_call and brief.status == Brief.Status.CLOSED:
        raise ConflictError(gettext("This brief is closed; it cannot take applications any more."))
    brief.open_call = bool(open_call)
    brief.save(update_fields=["open_call", "updated_at"])
    audit_record(actor=actor, verb="brief.open_call", target=brief, open_call=brief.open_call)
    return brief


def _application_notify(kind: str, *, application: Application, actor: User) -> None:
    """After commit: the brand's deciders hear of a new application, the artist of a decline."""
    from aux.notifications.models import Kind
    from aux.notifications.services import brand_recipients, notify

    brief = application.brief
    if kind == Kind.APPLICATION_RECEIVED:
        recipients = brand_recipients(brief.brand, kind=kind)
        url = reverse("campaigns:brief_matches", args=[brief.pk]) + "#applicants"
        text = gettext_noop("%(kind)s: %(artist)s · %(brief)s")
    else:
        recipients = [application.artist.user] if application.artist.user_id else []
        url = reverse("campaigns:brief_detail", args=[brief.pk])
        text = gettext_noop("%(kind)s: %(brief)s")
    params = {
        "kind": messages.label(Kind(kind).label),
        "artist": application.artist.stage_name,
        "brief": brief.title,
    }

    def send() -> None:
        notify(
            recipients=recipients, kind=kind, actor=actor, target=application, text=text,
            params=params, url=url,
        )  # fmt: skip

    transaction.on_commit(send)


@transaction.atomic
def application_create(
    *,
    actor: User,
    brief: Brief,
    pitch: str,
    proposed_fee: int,
    links: Iterable[str] = (),
) -> Application:
    """An artist who passes the brief's hard filters applies to its open call, once.

    Refusals: not an artist (403), brief not an open call or not published (409), failing a
    hard filter (403, the reasons in `errors`), already applied (409).
    """
    artist = Artist.objects.filter(user=actor).first() if actor.is_authenticated else None
    if artist is None:
        raise PermissionDeniedError(gettext("Only artists apply to open calls."))
    brief = _locked(brief)
    if brief.visibility != Brief.Visibility.PUBLIC:
        raise NotFoundError(gettext("No such brief."))
    _check_open_call(brief)
    pitch = (pitch or "").strip()
    errors: dict[str, list[str]] = {}
    if not pitch:
        errors["pitch"] = ["Say in a few lines why you are right for this brief."]
    elif len(pitch) > 2000:
        errors["pitch"] = ["A pitch has at most 2000 characters."]
    if proposed_fee is None or int(proposed_fee) <= 0:
        errors["proposed_fee"] = ["Propose a fee above zero."]
    try:
        clean_links = _clean_links(links)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean_links = []
    if errors:
        raise ValidationError(errors)
    reasons = application_eligibility(brief=brief, artist=artist)
    if reasons:
        raise PermissionDeniedError(
            "You do not pass this brief's requirements: " + " ".join(reasons),
            errors={"brief": reasons},
        )
    if Application.objects.filter(brief=brief, artist=artist).exists():
        raise ConflictError(gettext("You have already applied to this brief."))
    application = Application(
        brief=brief, artist=artist, pitch=pitch, links=clean_links,
        proposed_fee=int(proposed_fee), currency=brief.currency,
    )  # fmt: skip
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ConflictError(gettext("You have already applied to this brief.")) from None
    audit_record(actor=actor, verb="application.create", target=application,
                 proposed_fee=application.proposed_fee)  # fmt: skip
    _application_notify("application.received", application=application, actor=actor)
    return application


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("brief", "brief__brand", "artist")
        .get(pk=application.pk)
    )


def _application_transition(application: Application, to: str) -> None:
    if to not in Application.ALLOWED_TRANSITIONS[application.status]:
        raise ConflictError(
            gettext("This application is %(status)s; it cannot become %(label)s.")
            % {
                "status": application.get_status_display().lower(),
                "label": Application.Status(to).label.lower(),
            }
        )
    application.status = to


@transaction.atomic
def application_decline(*, actor: User, application: Application, reason: str = "") -> Application:
    """The brand turns a pending application down, optionally saying why; the artist is told."""
    check_can_edit_brand_briefs(actor, application.brief.brand)
    application = _lock_application(application)
    _application_transition(application, Application.Status.DECLINED)
    application.decline_reason = (reason or "").strip()[:500]
    application.decided_by, application.decided_at = actor, _now()
    application.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    audit_record(actor=actor, verb="application.decline", target=application,
                 reason=application.decline_reason)  # fmt: skip
    _application_notify("application.declined", application=application, actor=actor)
    return application


def application_offer_lines(application: Application) -> list[dict[str, Any]]:
    """The brief's deliverables with the proposed fee spread over them.

    Spread in proportion to the artist's stated minimums (equally when none is stated); the last
    line takes the rounding remainder, so the lines always add up to the proposed fee exactly.
    """
    lines = offer_prefill_lines(brief=application.brief, artist=application.artist)
    if not lines:
        return lines
    weights = [line["min_fee"] or 0 for line in lines]
    if not any(weights):
        weights = [1] * len(lines)
    total_weight, fee, given = sum(weights), application.proposed_fee, 0
    for i, line in enumerate(lines):
        share = fee - given if i == len(lines) - 1 else fee * weights[i] // total_weight
        line["fee"], given = max(share, 1), given + max(share, 1)
    return lines


@transaction.atomic
def application_convert(
    *, actor: User, application: Application, message: str = "", expires_at: datetime | None = None
) -> Offer:
    """One step from application to offer: offer_create prefilled with the proposed fee.

    The offer follows every offer rule (published brief, one open offer per artist); the
    application becomes `converted` and points at the offer.
    """
    check_can_edit_brand_briefs(actor, application.brief.brand)
    application = _lock_application(application)
    _application_transition(application, Application.Status.CONVERTED)
    offer = offer_create(
        actor=actor, brief=application.brief, artist=application.artist,
        lines=application_offer_lines(application), expires_at=expires_at,
        message=message or f"Following your application: {application.pitch[:300]}",
    )  # fmt: skip
    application.offer = offer
    application.decided_by, application.decided_at = actor, _now()
    application.save(update_fields=["status", "offer", "decided_by", "decided_at"])
    audit_record(actor=actor, verb="application.convert", target=application, offer=offer.pk)
    return offer


# --- Review-window reminders ---------------------------------------------------------------------


def review_reminder_lead() -> timedelta:
    return timedelta(hours=getattr(settings, "AUX_REVIEW_REMINDER_HOURS", 24))


@transaction.atomic
def milestone_review_remind(*, milestone: Milestone, now: datetime | None = None) -> bool:
    """Tell the brand's deciders that a submitted deliverable is approved automatically soon.

    Once per submission: the audit event carries the review deadline it reminded of, so a
    resubmission (a new window) is reminded again and a second run of the task is a no-op.
    """
    from aux.audit.models import AuditEvent
    from aux.notifications.models import Kind
    from aux.notifications.services import brand_recipients, notify

    now = now or _now()
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("contract__brand", "contract__brief")
        .get(pk=milestone.pk)
    )
    due = milestone.review_due_at
    if milestone.status != Milestone.Status.SUBMITTED or due is None or not now < due:
        return False
    if due - now > review_reminder_lead():
        return False
    stamp = due.isoformat()
    if AuditEvent.objects.filter(
        verb="milestone.review_reminder", target_id=str(milestone.pk), data__review_due_at=stamp
    ).exists():
        return False
    audit_record(
        actor=None, verb="milestone.review_reminder", target=milestone, review_due_at=stamp
    )
    contract = milestone.contract
    kind = Kind.DELIVERABLE_REVIEW_REMINDER
    recipients = brand_recipients(contract.brand, kind=kind)
    url = reverse("bookings:contract_detail", args=[contract.pk]) + f"#milestone-{milestone.pk}"
    text = gettext_noop("%(kind)s: %(milestone)s · %(brief)s (%(due)s)")
    params = {
        "kind": messages.label(Kind(kind).label), "milestone": milestone.title,
        "brief": str(contract.brief), "due": messages.moment(due),
    }  # fmt: skip

    def send() -> None:
        notify(
            recipients=recipients, kind=kind, target=milestone, text=text, params=params, url=url
        )

    transaction.on_commit(send)
    return True


def milestones_review_remind_due(*, now: datetime | None = None) -> int:
    """The beat task: remind of every submitted deliverable whose window ends within the lead."""
    now = now or _now()
    due = Milestone.objects.filter(
        status=Milestone.Status.SUBMITTED,
        review_due_at__gt=now,
        review_due_at__lte=now + review_reminder_lead(),
    ).order_by("pk")
    return sum(milestone_review_remind(milestone=m, now=now) for m in due)
