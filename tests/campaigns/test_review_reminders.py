"""A day before a submitted deliverable is approved automatically, the brand is reminded once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aux.notifications.models import Notification
from campaigns.bookings import services
from campaigns.bookings.models import Milestone
from campaigns.bookings.tasks import milestones_review_remind
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(brand_manager, brand):
    artist = booking_artist()
    contract = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand),
                                    artist=artist)  # fmt: skip
    milestone = contract.milestones.get()
    services.milestone_submit(actor=artist.user, milestone=milestone, note="Done.")
    milestone.refresh_from_db()
    return milestone


def reminders():
    return Notification.objects.filter(kind="deliverable.review_reminder")


def test_the_brands_deciders_are_reminded_once_a_day_before_auto_approval(
    submitted, brand_manager, brand_viewer, django_capture_on_commit_callbacks
):
    early = submitted.review_due_at - timedelta(hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.milestones_review_remind_due(now=early) == 0
    assert not reminders().exists()
    day_before = submitted.review_due_at - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.milestones_review_remind_due(now=day_before) == 1
        assert services.milestones_review_remind_due(now=day_before + timedelta(hours=1)) == 0
    assert [n.recipient for n in reminders()] == [brand_manager]
    assert f"#milestone-{submitted.pk}" in reminders().get().url


def test_a_resubmission_opens_a_new_window_and_is_reminded_again(
    submitted, brand_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.milestones_review_remind_due(now=submitted.review_due_at - timedelta(hours=1))
        services.milestone_request_changes(actor=brand_manager, milestone=submitted, reason="Redo")
        artist_user = submitted.contract.artist.user
        services.milestone_submit(actor=artist_user, milestone=submitted, note="Redone.")
        submitted.refresh_from_db()
        services.milestones_review_remind_due(now=submitted.review_due_at - timedelta(hours=1))
    assert reminders().count() == 2


def test_answered_or_overdue_deliverables_are_not_reminded(submitted, brand_manager):
    assert not services.milestone_review_remind(
        milestone=submitted, now=submitted.review_due_at + timedelta(minutes=1)
    )
    services.milestone_approve(actor=brand_manager, milestone=submitted)
    assert submitted.__class__.objects.get(pk=submitted.pk).status == Milestone.Status.APPROVED
    assert not services.milestone_review_remind(
        milestone=submitted, now=timezone.now() + timedelta(days=6, hours=12)
    )


def test_the_beat_task_runs_the_reminders(submitted, settings):
    settings.AUX_REVIEW_REMINDER_HOURS = 24 * 8  # the whole 7-day window is "within the lead"
    assert milestones_review_remind.delay().get() == 1
    assert milestones_review_remind.delay().get() == 0
