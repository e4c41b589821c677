"""Offers and counter-offers: terms and lines checked, a revision per change, accept / decline /
withdraw / expire, one open offer per (brief, artist)."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from django_countries import countries

from artists.models import Artist, DeliverableType, Rate
from aux.audit.services import audit_record
from aux.errors import ConflictError
from aux.money import MAX_CHARGE_AMOUNT, fee_for, format_money, max_total_for, platform_fee_bps
from aux.users.models import User
from brands.models import BrandCategory
from campaigns.briefs import outcomes
from campaigns.briefs.models import Brief
from campaigns.briefs.permissions import check_brand_verified, check_can_edit_brand_briefs
from campaigns.briefs.services import brief_lock

from ..models import Offer, OfferLine, OfferRevision, Side
from ..selectors import exclusivity_conflict_text, exclusivity_conflicts
from ..terms import DEFAULT_POLICY, CancellationPolicy
from ._common import (
    BOTH_SIDES,
    OFFER_EXPIRY_DAYS_MAX,
    OFFER_EXPIRY_DAYS_MIN,
    OFFER_TERM_FIELDS,
    USAGE_CHANNELS,
    _notify_on_commit,
    _now,
    acting_side,
    offer_ttl,
    require_side,
)
from .contracts import _contract_create


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


def _expiry(
    *, now: datetime, expires_at: datetime | None = None, expires_in_days: int | None = None
) -> datetime:
    """When an offer the brand sends now expires: in `expires_in_days` whole days, at
    `expires_at`, or after AUX_OFFER_TTL_DAYS; never past OFFER_EXPIRY_DAYS_MAX days."""
    if expires_at is not None and expires_in_days is not None:
        raise ValidationError(
            {"expires_in_days": gettext("Give the expiry in days or as a date, not both.")}
        )
    if expires_in_days is not None:
        if not OFFER_EXPIRY_DAYS_MIN <= int(expires_in_days) <= OFFER_EXPIRY_DAYS_MAX:
            raise ValidationError({"expires_in_days": _expiry_range_text()})
        return now + timedelta(days=int(expires_in_days))
    if expires_at is None:
        return now + offer_ttl()
    if expires_at <= now:
        raise ValidationError({"expires_at": gettext("The expiry must be in the future.")})
    if expires_at > now + timedelta(days=OFFER_EXPIRY_DAYS_MAX):
        raise ValidationError({"expires_at": _expiry_range_text()})
    return expires_at


def _expiry_range_text() -> str:
    return gettext("An offer stays open between %(min)d and %(max)d days.") % {
        "min": OFFER_EXPIRY_DAYS_MIN, "max": OFFER_EXPIRY_DAYS_MAX,
    }  # fmt: skip


def _check_exclusivity(
    *, brief: Brief, artist: Artist, start: date | None, end: date | None, confirmed: bool
) -> list[int]:
    """The brand is told before sending when the work would break an exclusivity the artist
    signed with another brand of its category: refused (409) unless the brand confirms.
    Returns the conflicting contracts' ids (for the audit trail)."""
    conflicts = exclusivity_conflicts(
        artist=artist, brand_category=brief.brand.category, start=start, end=end,
        exclude_brand=brief.brand,
    )  # fmt: skip
    if conflicts and not confirmed:
        raise ConflictError(
            ngettext(
                "This offer would break an exclusivity the artist signed; confirm to send it "
                "anyway.",
                "This offer would break %(n)d exclusivities the artist signed; confirm to send it "
                "anyway.",
                len(conflicts),
            )
            % {"n": len(conflicts)},
            errors={
                "confirm_exclusivity_conflict": [
                    exclusivity_conflict_text(c, side=Side.BRAND) for c in conflicts
                ]
            },
        )
    return [c.pk for c in conflicts]


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
        errors["usage_channels"] = [
            gettext("Unknown usage channel(s): %(values)s.") % {"values": ", ".join(map(str, bad))}
        ]
    territories = [str(c).upper() for c in terms.get("usage_territories") or []]
    bad = [c for c in territories if c not in dict(countries)]
    if bad:
        errors["usage_territories"] = [
            gettext("Unknown country code(s): %(values)s.") % {"values": ", ".join(bad)}
        ]
    term = terms.get("usage_term_months")
    if term is None or not 1 <= int(term) <= 120:
        errors["usage_term_months"] = [gettext("The usage term must be between 1 and 120 months.")]
    category, months = terms.get("exclusivity_category"), terms.get("exclusivity_months")
    if category is not None and not isinstance(category, BrandCategory):
        category = BrandCategory.objects.filter(pk=category).first()
    if category is not None and not months:
        errors["exclusivity_months"] = [gettext("Say for how many months exclusivity applies.")]
    if months and category is None:
        errors["exclusivity_category"] = [gettext("Exclusivity needs a brand category.")]
    if months is not None and months and not 1 <= int(months) <= 60:
        errors["exclusivity_months"] = [gettext("Exclusivity lasts between 1 and 60 months.")]
    policy = terms.get("cancellation_policy") or DEFAULT_POLICY
    if policy not in CancellationPolicy.values:
        errors["cancellation_policy"] = [
            gettext("Choose flexible, moderate or strict cancellation terms.")
        ]
    start, end = terms.get("start_date"), terms.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [gettext("The work must end on or after its start date.")]
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
        "cancellation_policy": policy,
    }


def _clean_lines(lines: Iterable[dict[str, Any]], *, artist: Artist, currency: str):
    out, errors = [], {}
    for i, item in enumerate(lines):
        dtype = item.get("deliverable_type")
        if dtype is not None and not isinstance(dtype, DeliverableType):
            dtype = DeliverableType.objects.filter(pk=dtype).first()
        if dtype is None:
            errors[f"lines.{i}.deliverable_type"] = [gettext("Choose a deliverable type.")]
            continue
        quantity, fee = int(item.get("quantity") or 1), item.get("fee")
        if fee is None or int(fee) <= 0:
            errors[f"lines.{i}.fee"] = [gettext("Each deliverable needs a fee above zero.")]
            continue
        if quantity < 1 or quantity > 100:
            errors[f"lines.{i}.quantity"] = [gettext("The quantity must be between 1 and 100.")]
            continue
        out.append({
            "deliverable_type": dtype, "quantity": quantity, "fee": int(fee),
            "notes": (item.get("notes") or "").strip()[:240], "due_date": item.get("due_date"),
            "min_fee": artist_min_fee(artist=artist, dtype=dtype, quantity=quantity,
                                      currency=currency),
        })  # fmt: skip
    if not out and not errors:
        errors["lines"] = [gettext("An offer needs at least one deliverable.")]
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
    if not errors:
        errors.update(_check_chargeable(clean_lines, currency=currency))
    if errors:
        raise ValidationError(errors)
    return clean_terms, clean_lines


def _check_chargeable(lines: list[dict[str, Any]], *, currency: str) -> dict[str, list[str]]:
    """The brand pays the total plus the platform fee in one Stripe payment, which takes at most
    999,999.99: a larger offer could never be funded, so it is refused now."""
    bps = platform_fee_bps()
    total = sum(line["fee"] for line in lines)
    gross = total + fee_for(total, bps)
    if gross <= MAX_CHARGE_AMOUNT:
        return {}
    return {
        "lines": [
            gettext(
                "With the platform fee this offer would charge %(gross)s, more than Stripe can "
                "take in one payment (%(limit)s). Keep the total at %(max)s or less, or split "
                "the work into several offers."
            )
            % {
                "gross": format_money(gross, currency),
                "limit": format_money(MAX_CHARGE_AMOUNT, currency),
                "max": format_money(max_total_for(bps), currency),
            }
        ]
    }


def _add_revision(
    offer: Offer, *, side: str, actor: User | None, terms: dict, lines: list[dict]
) -> OfferRevision:
    """Store a new revision with its lines and mirror its terms on the offer."""
    number = (offer.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = OfferRevision(
        offer=offer, number=number, author_side=side, author=actor, currency=offer.currency,
        total=sum(line["fee"] for line in lines), deposit_bps=offer.artist.deposit_bps,
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


def offer_current_terms(offer: Offer) -> dict[str, Any]:
    return {name: getattr(offer, name) for name in OFFER_TERM_FIELDS}


def offer_current_lines(offer: Offer) -> list[dict[str, Any]]:
    return [
        {"deliverable_type": line.deliverable_type, "quantity": line.quantity, "fee": line.fee,
         "notes": line.notes, "due_date": line.due_date}
        for line in offer.current_revision.lines.select_related("deliverable_type")
    ]  # fmt: skip


def _save_open_offer(offer: Offer) -> None:
    """Save an offer that becomes open: one open offer per artist and brief (a partial unique
    constraint), so a concurrent one is a 409, not an IntegrityError."""
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        raise ConflictError(
            gettext("This artist already has an open offer for this brief.")
        ) from None


@transaction.atomic
def offer_create(
    *,
    actor: User,
    brief: Brief,
    artist: Artist,
    lines: Iterable[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
    expires_in_days: int | None = None,
    confirm_exclusivity_conflict: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    usage_channels: Iterable[str] = ("social",),
    usage_territories: Iterable[str] | None = None,
    usage_term_months: int = 12,
    exclusivity_category: BrandCategory | None = None,
    exclusivity_months: int | None = None,
    message: str = "",
    cancellation_policy: str = DEFAULT_POLICY,
) -> Offer:
    """A brand owner/manager offers a published brief's work to one artist.

    Lines default to the brief's deliverables priced at the artist's stated minimum; a fee below
    that minimum is allowed and flagged (`below_min_fee`). The cancellation terms are one of
    campaigns.bookings.terms' policies; each revision records the artist's deposit share then.
    An artist without payouts set up can still receive offers (payouts are needed only to be
    paid). One open offer per (brief, artist).

    The brand picks the expiry (`expires_in_days`, 1 to 30; default AUX_OFFER_TTL_DAYS). Work
    that would break an exclusivity the artist signed with another brand of the category is
    refused (ConflictError listing each one) unless `confirm_exclusivity_conflict`.
    """
    check_can_edit_brand_briefs(actor, brief.brand)
    check_brand_verified(brief.brand)
    brief = brief_lock(brief)
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
    expires_at = _expiry(now=_now(), expires_at=expires_at, expires_in_days=expires_in_days)
    terms = {
        "start_date": start_date or brief.start_date, "end_date": end_date or brief.end_date,
        "usage_channels": usage_channels,
        "usage_territories": brief.territories if usage_territories is None else usage_territories,
        "usage_term_months": usage_term_months, "exclusivity_category": exclusivity_category,
        "exclusivity_months": exclusivity_months, "message": message,
        "cancellation_policy": cancellation_policy,
    }  # fmt: skip
    if lines is None:
        lines = offer_prefill_lines(brief=brief, artist=artist)
    terms, clean_lines = _clean_offer(terms, lines, artist=artist, currency=brief.currency)
    conflicts = _check_exclusivity(
        brief=brief, artist=artist, start=terms["start_date"], end=terms["end_date"],
        confirmed=confirm_exclusivity_conflict,
    )  # fmt: skip
    offer = Offer(
        brief=brief, artist=artist, created_by=actor, status=Offer.Status.SENT,
        awaiting=Side.ARTIST, expires_at=expires_at, currency=brief.currency,
    )  # fmt: skip
    _save_open_offer(offer)  # two managers sending at once: the constraint decides
    _add_revision(offer, side=Side.BRAND, actor=actor, terms=terms, lines=clean_lines)
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, verb="offer.create", target=offer, total=offer.total,
                 below_min_fee=offer.below_min_fee, expires_at=offer.expires_at.isoformat(),
                 exclusivity_conflicts=conflicts)  # fmt: skip
    outcomes.outcome_record(brief_id=brief.pk, artist_id=artist.pk, kind=outcomes.Kind.OFFERED)
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
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    offer = _lock_offer(offer)
    _check_open_and_turn(offer, side, "countered")
    before = (offer_current_terms(offer), offer_current_lines(offer))
    terms, new_lines = _clean_offer(
        {**before[0], **changes}, before[1] if lines is None else lines,
        artist=offer.artist, currency=offer.currency,
    )  # fmt: skip
    comparable = [{k: v for k, v in line.items() if k != "min_fee"} for line in new_lines]
    if (terms, comparable) == before:
        raise ValidationError(
            {"lines": gettext("A counter-offer must change a fee, a date or a term.")}
        )
    _offer_transition(offer, Offer.Status.COUNTERED if side == Side.ARTIST else Offer.Status.SENT)
    revision = _add_revision(offer, side=side, actor=actor, terms=terms, lines=new_lines)
    offer.awaiting = Side.BRAND if side == Side.ARTIST else Side.ARTIST
    if expires_at is not None:
        expires_at = _expiry(now=_now(), expires_at=expires_at)
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
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    offer = _lock_offer(offer)
    _check_open_and_turn(offer, side, "accepted")
    _offer_transition(offer, Offer.Status.ACCEPTED)
    offer.awaiting, offer.closed_at = "", _now()
    offer.save(update_fields=["status", "awaiting", "closed_at", "updated_at"])
    contract = _contract_create(offer=offer)
    outcomes.outcome_record(
        brief_id=offer.brief_id, artist_id=offer.artist_id, kind=outcomes.Kind.ACCEPTED
    )
    audit_record(actor=actor, verb="offer.accept", target=offer, side=side,
                 revision=offer.current_revision.number, contract=contract.pk)  # fmt: skip
    _notify_on_commit("offer.accepted", target=offer, sides=BOTH_SIDES, actor=actor)
    return offer


@transaction.atomic
def offer_decline(*, actor: User, offer: Offer, reason: str = "") -> Offer:
    """The artist turns the offer down (at any point of the negotiation), optionally saying why."""
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    require_side(
        side, Side.ARTIST, gettext_lazy("decline an offer (the brand withdraws it instead)")
    )
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
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    require_side(
        side, Side.BRAND, gettext_lazy("withdraw an offer (the artist declines it instead)")
    )
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


@transaction.atomic
def offer_renew(
    *,
    actor: User,
    offer: Offer,
    expires_in_days: int | None = None,
    confirm_exclusivity_conflict: bool = False,
) -> Offer:
    """The brand reopens its expired offer with a new expiry, in one step.

    The same offer goes back to `sent` (expired → sent, the only way out of `expired`), so its
    timeline and thread stay whole; the expiry itself stays in the audit trail. It waits for
    the artist again: when the artist's counter-offer was what lapsed, the brand now offers
    those same terms as a new revision, so the artist is never held to terms after they
    expired without answering again. The offer rules apply as for a new one: a published
    brief, one open offer per (brief, artist), Stripe's ceiling, the exclusivity check.
    """
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    require_side(side, Side.BRAND, gettext_lazy("renew an offer"))
    check_brand_verified(offer.brief.brand)
    offer = _lock_offer(offer)
    if offer.status != Offer.Status.EXPIRED:
        raise ConflictError(
            gettext("This offer is %(status)s; only an expired offer can be renewed.")
            % {"status": offer.get_status_display().lower()}
        )
    brief = brief_lock(offer.brief)
    if brief.status != Brief.Status.PUBLISHED:
        raise ConflictError(
            gettext("This brief is %(status)s; offers are made on published briefs only.")
            % {"status": brief.get_status_display().lower()}
        )
    open_offers = Offer.objects.filter(brief=brief, artist=offer.artist,
                                       status__in=Offer.OPEN_STATUSES)  # fmt: skip
    if open_offers.exclude(pk=offer.pk).exists():
        raise ConflictError(gettext("This artist already has an open offer for this brief."))
    expires_at = _expiry(now=_now(), expires_in_days=expires_in_days)
    conflicts = _check_exclusivity(
        brief=brief, artist=offer.artist, start=offer.start_date, end=offer.end_date,
        confirmed=confirm_exclusivity_conflict,
    )  # fmt: skip
    terms, lines = _clean_offer(
        offer_current_terms(offer), offer_current_lines(offer),
        artist=offer.artist, currency=offer.currency,
    )  # fmt: skip
    if offer.current_revision.author_side != Side.BRAND:
        _add_revision(offer, side=Side.BRAND, actor=actor, terms=terms, lines=lines)
    _offer_transition(offer, Offer.Status.SENT)
    previous_expiry = offer.expires_at
    offer.awaiting, offer.closed_at, offer.expires_at = Side.ARTIST, None, expires_at
    offer.full_clean()
    _save_open_offer(offer)  # the brand made the artist a new offer meanwhile
    audit_record(actor=actor, verb="offer.renew", target=offer,
                 expired_at=previous_expiry.isoformat(), expires_at=expires_at.isoformat(),
                 revision=offer.current_revision.number,
                 exclusivity_conflicts=conflicts)  # fmt: skip
    _notify_on_commit("offer.received", target=offer, sides=[Side.ARTIST], actor=actor,
                      text=gettext_noop("Offer renewed: %(subject)s"))  # fmt: skip
    return offer


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Expire every open offer past its expiry (the beat task). Each in its own transaction."""
    now = now or _now()
    due = Offer.objects.filter(status__in=Offer.OPEN_STATUSES, expires_at__lte=now)
    return sum(offer_expire(offer=o, now=now) for o in due.order_by("pk"))
