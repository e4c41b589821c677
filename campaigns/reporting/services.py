"""Writes of result reporting: the artist reports figures per deliverable, the brand questions one,
the artist answers or corrects it. One function per action; each checks who acts, locks the row,
calls full_clean and leaves an audit record.

Following the bookings services' rules: the acting side comes from
campaigns.bookings.services.acting_side and require_side (brand viewers and outsiders may not
act).
"""

from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from aux.audit.services import audit_record
from aux.errors import ConflictError
from aux.images import validate_and_resize_image
from aux.users.models import User
from campaigns.bookings.models import Milestone, Side
from campaigns.bookings.services import acting_side, require_side

from .models import MilestoneResult

# A figure can be reported once the work was handed in: when submitting or any time later.
REPORTABLE_STATUSES = (
    Milestone.Status.SUBMITTED,
    Milestone.Status.CHANGES_REQUESTED,
    Milestone.Status.APPROVED,
    Milestone.Status.DISPUTED,
    Milestone.Status.PAID,
)
MAX_VALUE = 10**12  # far above any real figure; stops typos like a pasted phone number


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
        raise ValidationError({"evidence_url": gettext("Not a web address (http or https).")})
    return url


def _clean_value(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"value": gettext("Enter a whole number.")}) from None
    if number < 0 or number > MAX_VALUE:
        raise ValidationError({"value": gettext("Enter a whole number between 0 and 10^12.")})
    return number


def _corrected(old: int | None, new: int | None) -> str:
    return gettext("Corrected from %(old)s to %(new)s.") % {"old": old, "new": new}


def _side_for(actor: User, milestone: Milestone) -> str:
    contract = milestone.contract
    return acting_side(actor, brand=contract.brand, artist=contract.artist)


def check_can_report(*, actor: User, milestone: Milestone) -> None:
    """Only the contract's artist reports results (checked before the input is even read)."""
    require_side(_side_for(actor, milestone), Side.ARTIST, gettext_lazy("report results"))


@transaction.atomic
def result_report(
    *,
    actor: User,
    milestone: Milestone,
    kind: str,
    value: int,
    evidence_url: str = "",
    screenshot=None,
    note: str = "",
) -> MilestoneResult:
    """The contract's artist reports (or corrects) one figure of a handed-in deliverable.

    Guarantees: only the artist of the contract; only once the deliverable was submitted (not
    pending or cancelled); one figure per kind (reporting again replaces the value and keeps the
    old one in the audit trail); evidence is a http(s) link or an image re-encoded by
    aux.images (never the uploaded bytes).
    """
    check_can_report(actor=actor, milestone=milestone)
    if kind not in MilestoneResult.Kind.values:
        raise ValidationError(
            {"kind": gettext("Unknown kind of result: %(kind)s.") % {"kind": str(kind)[:40]}}
        )
    number = _clean_value(value)
    url = _clean_url(evidence_url)
    image = None
    if screenshot:
        try:
            image = validate_and_resize_image(screenshot, max_side=1600)
        except ValidationError as exc:
            raise ValidationError({"screenshot": exc.messages}) from exc
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.status not in REPORTABLE_STATUSES:
        raise ConflictError(
            gettext(
                "This deliverable is %(status)s; results can be reported once it has been "
                "submitted."
            )
            % {"status": milestone.get_status_display().lower()}
        )
    result = (
        MilestoneResult.objects.select_for_update().filter(milestone=milestone, kind=kind).first()
    )
    old = None if result is None else result.value
    if result is None:
        result = MilestoneResult(milestone=milestone, kind=kind, reported_at=timezone.now())
    elif not url and not image:
        # A correction may keep the evidence it already has.
        url = result.evidence_url
    if not url and not image and not result.screenshot:
        raise ValidationError({"evidence_url": gettext("Add a link or a screenshot as evidence.")})
    result.value, result.evidence_url, result.note = number, url, (note or "").strip()[:500]
    result.reported_by = actor
    if result.status == MilestoneResult.Status.QUESTIONED:
        # Reporting again answers the question with the corrected figure.
        result.status, result.answered_at = MilestoneResult.Status.ANSWERED, timezone.now()
        result.answer = result.answer or _corrected(old, number)
    if image is not None:
        result.screenshot.save(image.name, image, save=False)
    result.full_clean()
    result.save()
    audit_record(
        actor=actor, verb="result.report" if old is None else "result.correct", target=result,
        kind=kind, value=number, old_value=old, milestone=milestone.pk,
    )  # fmt: skip
    return result


@transaction.atomic
def result_question(*, actor: User, result: MilestoneResult, question: str) -> MilestoneResult:
    """A brand owner or manager questions a reported figure with a short note."""
    require_side(
        _side_for(actor, result.milestone), Side.BRAND, gettext_lazy("question a reported result")
    )
    text = (question or "").strip()
    if not text:
        raise ValidationError({"question": gettext("Say what looks wrong (a short note).")})
    if len(text) > 500:
        raise ValidationError({"question": gettext("At most 500 characters.")})
    result = MilestoneResult.objects.select_for_update().get(pk=result.pk)
    if result.status == MilestoneResult.Status.QUESTIONED:
        raise ConflictError(
            gettext("This figure is already questioned; wait for the artist's answer.")
        )
    result.status, result.question = MilestoneResult.Status.QUESTIONED, text
    result.questioned_by, result.questioned_at = actor, timezone.now()
    result.answer, result.answered_at = "", None
    result.full_clean()
    result.save()
    audit_record(actor=actor, verb="result.question", target=result, question=text)
    return result


@transaction.atomic
def result_answer(
    *, actor: User, result: MilestoneResult, answer: str, value: int | None = None
) -> MilestoneResult:
    """The artist answers a questioned figure, keeping it or correcting it (`value`)."""
    require_side(
        _side_for(actor, result.milestone),
        Side.ARTIST,
        gettext_lazy("answer a question on a result"),
    )
    text = (answer or "").strip()
    if not text and value in (None, ""):
        raise ValidationError({"answer": gettext("Explain the figure or correct it.")})
    if len(text) > 500:
        raise ValidationError({"answer": gettext("At most 500 characters.")})
    number = None if value in (None, "") else _clean_value(value)
    result = MilestoneResult.objects.select_for_update().get(pk=result.pk)
    if result.status != MilestoneResult.Status.QUESTIONED:
        raise ConflictError(gettext("Nobody has questioned this figure."))
    old = result.value
    if number is not None:
        result.value = number
    result.status, result.answered_at = MilestoneResult.Status.ANSWERED, timezone.now()
    result.answer = text or _corrected(old, number)
    result.full_clean()
    result.save()
    audit_record(
        actor=actor, verb="result.answer", target=result, answer=result.answer,
        old_value=old, value=result.value,
    )  # fmt: skip
    return result
