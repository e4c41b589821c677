"""Open calls: eligibility straight from the artist's data and applications the brand turns into
offers or declines."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from artists.models import Artist, Rate
from aux.audit.services import audit_record
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.money import format_money
from aux.notifications import messages
from aux.notifications.models import Kind
from aux.notifications.services import notify
from aux.users.models import User
from brands.recipients import brand_recipients
from campaigns.briefs.models import Brief, MatchCuration
from campaigns.briefs.permissions import check_can_edit_brand_briefs
from campaigns.briefs.services import brief_lock

from ..models import Application, Offer
from ._common import _now
from .milestones import _clean_links
from .offers import offer_create, offer_prefill_lines

# --- Open calls and applications -----------------------------------------------------------------
# A published public brief marked `open_call` takes applications from artists who pass its hard
# filters. Eligibility is checked here straight from the artist's rates, unavailability, refused
# categories and staff curation, in the engine's filter order (campaigns/matching/engine.py
# `_filter`), not from the memory-mapped snapshot: the snapshot refresh is debounced, and an
# artist who just added a rate must be able to apply at once and be told exactly what is missing.


def application_eligibility(*, brief: Brief, artist: Artist) -> list[str]:
    """Why the artist fails the brief's hard filters (empty when they pass them all)."""
    reasons: list[str] = []
    rates = {r.deliverable_type_id: r for r in Rate.objects.filter(artist=artist)}
    lines = list(brief.deliverables.select_related("deliverable_type"))
    missing = [d.deliverable_type.name for d in lines if d.deliverable_type_id not in rates]
    if missing:
        reasons.append(
            gettext("You do not offer %(types)s (add a rate on your profile).")
            % {"types": ", ".join(missing)}
        )
    if brief.start_date and brief.end_date:
        busy = artist.unavailabilities.filter(start__lte=brief.end_date, end__gte=brief.start_date)
        if busy.exists():
            reasons.append(gettext("You marked yourself unavailable during the campaign's dates."))
    category = brief.brand.category_id
    if category is not None and artist.refused_categories.filter(pk=category).exists():
        reasons.append(gettext("You refuse work for brands in this category."))
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
        reasons.append(gettext("AUX staff have excluded you from this brief."))
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
    brief = brief_lock(brief)
    if open_call and brief.visibility != Brief.Visibility.PUBLIC:
        raise ValidationError({"open_call": gettext("Only a public brief can be an open call.")})
    if open_call and brief.status == Brief.Status.CLOSED:
        raise ConflictError(gettext("This brief is closed; it cannot take applications any more."))
    brief.open_call = bool(open_call)
    brief.save(update_fields=["open_call", "updated_at"])
    audit_record(actor=actor, verb="brief.open_call", target=brief, open_call=brief.open_call)
    return brief


def _application_notify(kind: str, *, application: Application, actor: User) -> None:
    """After commit: the brand's deciders hear of a new application, the artist of a decline."""
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
    brief = brief_lock(brief)
    if brief.visibility != Brief.Visibility.PUBLIC:
        raise NotFoundError(gettext("No such brief."))
    _check_open_call(brief)
    pitch = (pitch or "").strip()
    errors: dict[str, list[str]] = {}
    if not pitch:
        errors["pitch"] = [gettext("Say in a few lines why you are right for this brief.")]
    elif len(pitch) > 2000:
        errors["pitch"] = [gettext("A pitch has at most 2000 characters.")]
    if proposed_fee is None or int(proposed_fee) <= 0:
        errors["proposed_fee"] = [gettext("Propose a fee above zero.")]
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
            gettext("You do not pass this brief's requirements: %(reasons)s")
            % {"reasons": " ".join(reasons)},
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
        # The artist asked for this work by applying; the offer page still shows both sides
        # any exclusivity it would break.
        confirm_exclusivity_conflict=True,
    )  # fmt: skip
    application.offer = offer
    application.decided_by, application.decided_at = actor, _now()
    application.save(update_fields=["status", "offer", "decided_by", "decided_at"])
    audit_record(actor=actor, verb="application.convert", target=application, offer=offer.pk)
    return offer
