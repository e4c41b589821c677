"""Writes on published reviews: the reviewed side's answer, reports to staff, staff hiding."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.users.models import User

from ..bookings.models import Review, ReviewReport, Side
from ..bookings.services import acting_side
from ..briefs.matching_service import artist_rating_changed
from .selectors import review_is_published

REPLY_MAX = 2000
REPORT_MIN, REPORT_MAX = 10, 1000


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update()
        .select_related("contract__artist", "contract__brand")
        .get(pk=review.pk)
    )


def _published_or_404(review: Review) -> None:
    # An unpublished or hidden review does not exist for anyone but its author.
    if not review_is_published(review):
        raise NotFoundError(gettext("No such review."))


def review_check_can_reply(*, actor: User, review: Review) -> str:
    """The side the actor answers for: the reviewed artist, or the reviewed brand's owners and
    managers; anyone else is refused (PermissionDeniedError)."""
    contract = review.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    if side == review.author_side:
        raise PermissionDeniedError(gettext("Only the reviewed side can answer a review."))
    return side


@transaction.atomic
def review_reply(*, actor: User, review: Review, text: str) -> Review:
    """The reviewed side answers a published review, once (the artist, or the brand's owners
    and managers). The answer is shown under the review."""
    review = _lock(review)
    _published_or_404(review)
    side = review_check_can_reply(actor=actor, review=review)
    if review.replied_at is not None:
        raise ConflictError(gettext("This review has already been answered."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": gettext("Write your answer.")})
    if len(text) > REPLY_MAX:
        raise ValidationError(
            {"text": gettext("An answer has at most %(n)d characters.") % {"n": REPLY_MAX}}
        )
    review.reply, review.replied_at, review.replied_by = text, timezone.now(), actor
    review.save(update_fields=["reply", "replied_at", "replied_by"])
    audit_record(actor=actor, verb="review.reply", target=review, side=side)
    return review


@transaction.atomic
def review_report(*, actor: User, review: Review, reason: str) -> ReviewReport:
    """A signed-in user reports a published review to staff, once, with a reason."""
    if not actor.is_authenticated:
        raise PermissionDeniedError(gettext("Sign in to report a review."))
    _published_or_404(review)
    reason = (reason or "").strip()
    if len(reason) < REPORT_MIN:
        raise ValidationError(
            {
                "reason": gettext("Say what is wrong in at least %(n)d characters.")
                % {"n": REPORT_MIN}
            }
        )
    if len(reason) > REPORT_MAX:
        raise ValidationError(
            {"reason": gettext("A reason has at most %(n)d characters.") % {"n": REPORT_MAX}}
        )
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(review=review, reporter=actor, reason=reason)
    except IntegrityError as exc:  # the unique (review, reporter) constraint
        raise ConflictError(gettext("You have already reported this review.")) from exc
    audit_record(actor=actor, verb="review.reported", target=review, report=report.pk)
    return report


def _check_staff(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff can moderate reviews."))


@transaction.atomic
def review_hide(*, actor: User, review: Review, reason: str) -> Review:
    """Staff take a review off the pages, the API and the averages; its open reports are closed
    as "hidden". Hiding a hidden review changes nothing."""
    _check_staff(actor)
    review = _lock(review)
    if review.hidden_at is not None:
        return review
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the review is hidden.")})
    now = timezone.now()
    review.hidden_at, review.hidden_by, review.hidden_reason = now, actor, reason[:500]
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    review.reports.filter(outcome=ReviewReport.Outcome.OPEN).update(
        outcome=ReviewReport.Outcome.HIDDEN, handled_at=now, handled_by=actor
    )
    if review.author_side == Side.BRAND:  # it counted in the artist's rating
        artist_rating_changed(review.contract.artist_id)
    audit_record(actor=actor, verb="review.hidden", target=review, reason=review.hidden_reason)
    return review


@transaction.atomic
def review_report_dismiss(*, actor: User, report: ReviewReport) -> ReviewReport:
    """Staff read a report and keep the review; the report is closed as "kept"."""
    _check_staff(actor)
    report = ReviewReport.objects.select_for_update().get(pk=report.pk)
    if report.outcome != ReviewReport.Outcome.OPEN:
        return report
    report.outcome, report.handled_at, report.handled_by = (
        ReviewReport.Outcome.KEPT, timezone.now(), actor,
    )  # fmt: skip
    report.save(update_fields=["outcome", "handled_at", "handled_by"])
    audit_record(
        actor=actor, verb="review.report_dismissed", target=report.review, report=report.pk
    )
    return report
