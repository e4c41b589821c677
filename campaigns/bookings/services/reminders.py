"""Reminders to brands whose review window on a submitted deliverable is ending."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from aux.audit.services import audit_record
from aux.notifications import messages

from ..models import Milestone
from ._common import _now


def review_reminder_lead() -> timedelta:
    return timedelta(hours=settings.AUX_REVIEW_REMINDER_HOURS)


@transaction.atomic
def milestone_review_remind(*, milestone: Milestone, now: datetime | None = None) -> bool:
    """Tell the brand's deciders that a submitted deliverable is approved automatically soon.

    Once per submission: the audit event carries the review deadline it reminded of, so a
    resubmission (a new window) is reminded again and a second run of the task is a no-op.
    """
    from aux.audit.models import AuditEvent
    from aux.notifications.models import Kind
    from aux.notifications.services import notify
    from brands.recipients import brand_recipients

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
