"""Writes on briefs: creation, edits, the draft → submitted → published → closed lifecycle,
staff curation of the ranking and the brand's shortlist."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from artists.models import DeliverableType, Genre, Mood
from aux.audit.services import audit_record
from aux.dispatch import enqueue_on_commit
from aux.errors import ConflictError, PermissionDeniedError
from aux.users.models import User
from brands.models import Brand

from . import outcomes
from .models import Brief, BriefDeliverable, MatchCuration, Shortlist
from .permissions import brand_role, check_brand_verified, check_can_edit_brand_briefs
from .tasks import brief_compute_matches

BRIEF_FIELDS = {
    "title", "description", "objective", "visibility", "fairness", "territories", "age_min",
    "age_max", "budget_min", "budget_max", "currency", "start_date", "end_date", "emerging_share",
    "audience_size", "languages",
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


def brief_lock(brief: Brief) -> Brief:
    """The brief again, its row locked until the transaction ends (every brief write and the
    offers and applications made from it take this lock first)."""
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
    brief = brief_lock(brief)
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
    brief = brief_lock(brief)
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
            gettext("The brief is not ready to publish: it needs %(missing)s.")
            % {"missing": ", ".join(missing)},
            errors={"brief": missing},
        )


def _schedule_matching(brief: Brief) -> None:
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
        check_brand_verified(brief.brand)
    brief = brief_lock(brief)
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
    brief = brief_lock(brief)
    _transition(brief, Brief.Status.DRAFT)
    brief.save(update_fields=["status"])
    audit_record(actor=actor, verb="brief.return_to_draft", target=brief, reason=reason)
    return brief


@transaction.atomic
def brief_close(*, actor: User, brief: Brief) -> Brief:
    """Close a published brief: no new offers; existing bookings go on."""
    if not actor.is_staff:
        check_can_edit_brand_briefs(actor, brief.brand)
    brief = brief_lock(brief)
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
        raise ValidationError({"hidden": gettext("An artist cannot be pinned and hidden at once.")})
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

    if brand_role(actor, brief.brand) is None:
        raise PermissionDeniedError(gettext("Only the brand's members keep its shortlist."))
    deleted, _ = Shortlist.objects.filter(brief=brief, artist_id=artist_id).delete()
    if deleted:
        return False
    Shortlist.objects.create(brief=brief, artist_id=artist_id, added_by=actor)
    outcomes.outcome_record(brief_id=brief.pk, artist_id=artist_id, kind=outcomes.Kind.SHORTLISTED)
    return True
