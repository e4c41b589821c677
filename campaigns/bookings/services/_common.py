"""What the booking services share: terms vocabularies, notifications of booking events,
who acts for which side, and the clock."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

from artists.models import Artist, DeliverableType
from aux.errors import PermissionDeniedError
from aux.notifications import messages
from aux.notifications.models import Kind
from aux.notifications.services import notify
from aux.users.models import User
from brands.models import Brand, Membership
from brands.recipients import brand_recipients
from campaigns.briefs.permissions import brand_role

from ..models import Contract, Dispute, Message, Milestone, Offer, Review, Settlement, Side

# --- Bookings: offers, contracts, milestones, messages, reviews, disputes ------------------------
# Every state change below locks its row (select_for_update; several rows in pk order), checks the
# model's ALLOWED_TRANSITIONS (ConflictError naming the current state) and the actor's side
# (PermissionDeniedError), records an audit event and calls _notify after commit.

CONTRACT_TEMPLATE_VERSION = "v2"
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
    "exclusivity_category", "exclusivity_months", "message", "cancellation_policy",
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
    "settlement.proposed": "contract.settlement_proposed",
    "settlement.declined": "contract.settlement_declined",
    "settlement.accepted": "contract.settled",
    "milestone.submitted": "deliverable.submitted", "milestone.approved": "deliverable.approved",
    "milestone.changes_requested": "deliverable.changes_requested",
    "milestone.overdue": "deliverable.overdue", "dispute.opened": "dispute.opened",
    "dispute.resolved": "dispute.resolved", "dispute.responded": "dispute.responded",
    "message.new": "message.new",
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
        Settlement: lambda t: t.contract,
    }[type(target)](target)
    url = reverse("bookings:contract_detail", args=[contract.pk])
    if isinstance(target, Dispute):  # straight to the dispute on the contract page
        url += f"#dispute-{target.pk}"
    milestone = target.milestone if isinstance(target, Dispute) else target
    subject = f"{milestone.title} · {contract.brief}" if isinstance(milestone, Milestone) else ""
    return contract.offer, contract, url, subject or str(contract.brief)


def _notify(
    kind: str,
    *,
    target: Model,
    sides: Iterable[str],
    text: str | None = None,
    params: dict[str, Any] | None = None,
    **data: Any,
) -> None:
    """Tell the given sides of a booking about an event (in-app and e-mail, by preference).

    The artist side is the artist's account; the brand side is the members whose role should see
    this kind (brands.recipients.brand_recipients). Runs after commit (see below). `text`
    (a gettext_noop message) and `params` replace the default "kind: subject" line; `subject`
    is always among the params.
    """
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
        text=text or gettext_noop("%(kind)s: %(subject)s"),
        params={"kind": messages.label(Kind(kind).label), "subject": subject, **(params or {})},
        url=url,
    )


def _notify_on_commit(kind: str, *, target: Model, sides: Iterable[str], **data: Any) -> None:
    # notify() itself defers its writes to on_commit; deferring the lookup too keeps the
    # recipients as they are once the change is committed.
    sides = tuple(sides)
    transaction.on_commit(lambda: _notify(kind, target=target, sides=sides, **data))


def _now() -> datetime:
    return timezone.now()


# The brand picks how long an offer stays open, in whole days (the default: AUX_OFFER_TTL_DAYS).
OFFER_EXPIRY_DAYS_MIN, OFFER_EXPIRY_DAYS_MAX = 1, 30


def offer_ttl() -> timedelta:
    return timedelta(days=settings.AUX_OFFER_TTL_DAYS)


def cancel_request_ttl() -> timedelta:
    """How long a cancellation request or a settlement proposal waits for the other side."""
    return timedelta(hours=settings.AUX_CANCEL_REQUEST_TTL_HOURS)


def review_window() -> timedelta:
    return timedelta(days=settings.AUX_REVIEW_WINDOW_DAYS)


def is_social_type(dtype: DeliverableType | None) -> bool:
    slugs = settings.AUX_SOCIAL_DELIVERABLE_SLUGS
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


def acting_side(actor: User, *, brand: Brand, artist: Artist) -> str:
    """The side the actor acts for; brand viewers and outsiders may not act."""
    if actor.is_authenticated and artist.user_id is not None and artist.user_id == actor.pk:
        return Side.ARTIST
    role = brand_role(actor, brand)
    if role in (Membership.Role.OWNER, Membership.Role.MANAGER):
        return Side.BRAND
    if role == Membership.Role.VIEWER:
        raise PermissionDeniedError(gettext("Brand viewers can read bookings but not act on them."))
    raise PermissionDeniedError(gettext("You are not a party to this booking."))


def require_side(side: str, wanted: str, what: str | Promise) -> None:
    """Refuse (PermissionDeniedError) unless the acting side is the one that may `what`."""
    if side != wanted:
        raise PermissionDeniedError(
            gettext("Only the %(label)s can %(what)s.")
            % {"label": Side(wanted).label.lower(), "what": what}
        )
