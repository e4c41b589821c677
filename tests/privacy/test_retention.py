"""The retention schedule (settings.AUX_RETENTION_DAYS): a periodic, idempotent task in the beat
schedule that removes what is past its time, and a report staff can read of what it removed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from aux.notifications.models import Notification
from aux.privacy.models import ExportArchive, RetentionRun
from aux.privacy.tasks import retention_apply
from aux.users.models import User
from campaigns.bookings.models import Contract, Message, Offer
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer
from tests.notifications.factories import NotificationFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_task_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == retention_apply.name == "privacy.retention_apply"


def test_each_rule_removes_only_what_is_past_its_time_and_a_second_run_removes_nothing():
    now = timezone.now()
    long_ago = now - timedelta(days=4 * 365)
    # Messages: an offer closed 4 years ago (removed), one closed last month (kept).
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand)
    old, recent = (make_offer(actor=manager, brief=brief, artist=booking_artist()) for _ in "ab")
    for offer, closed in ((old, long_ago), (recent, now - timedelta(days=30))):
        Message.objects.create(offer=offer, author=manager, side="brand", body="hello")
        Offer.objects.filter(pk=offer.pk).update(status="withdrawn", closed_at=closed)
    # Sign-ups: never confirmed for 40 days (removed, with their artist profile), 5 days (kept),
    # confirmed long ago (kept).
    stale = booking_artist(user=UserFactory(verified=False)).user
    fresh = UserFactory(verified=False)
    confirmed = UserFactory()
    User.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(date_joined=now - timedelta(40))
    # Notifications: read two years ago (removed), unread (kept).
    read = NotificationFactory(recipient=confirmed)
    Notification.objects.filter(pk=read.pk).update(read_at=now - timedelta(days=730))
    unread = NotificationFactory(recipient=confirmed)
    # Export archives: expired (file deleted), still valid (kept).
    expired = ExportArchive(user=confirmed, status="ready", expires_at=now - timedelta(hours=1))
    expired.file.save("x.zip", ContentFile(b"PK"), save=True)
    path = expired.file.path
    valid = ExportArchive.objects.create(user=confirmed, status="ready",
                                         expires_at=now + timedelta(hours=1))  # fmt: skip

    assert retention_apply.delay().get() == 4
    run = RetentionRun.objects.get()
    assert run.removed == {
        "messages_after_end": 1, "unverified_signups": 1, "read_notifications": 1,
        "webhook_events": 0, "export_archives": 1,
    }  # fmt: skip
    assert list(Message.objects.values_list("offer", flat=True)) == [recent.pk]
    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk__in=[fresh.pk, confirmed.pk]).count() == 2
    assert list(Notification.objects.values_list("pk", flat=True)) == [unread.pk]
    expired.refresh_from_db()
    assert expired.status == "expired" and not expired.file
    assert not __import__("os").path.exists(path)
    valid.refresh_from_db()
    assert valid.status == "ready"

    # Idempotent: nothing new to remove.
    assert retention_apply.delay().get() == 0
    assert RetentionRun.objects.count() == 2


def test_messages_of_a_contract_ended_long_ago_go_but_the_contract_stays():
    from tests.campaigns.factories import make_active_contract

    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand)
    contract = make_active_contract(brand_user=manager, brief=brief, artist=booking_artist())
    Message.objects.create(offer=contract.offer, author=manager, side="brand", body="hi")
    Contract.objects.filter(pk=contract.pk).update(
        status="completed", completed_at=timezone.now() - timedelta(days=3 * 365 + 2)
    )
    assert retention_apply.delay().get() == 1
    assert not Message.objects.exists() and Contract.objects.filter(pk=contract.pk).exists()


def test_staff_read_the_report_in_the_admin(admin_client):
    retention_apply.delay().get()
    page = admin_client.get(reverse("admin:privacy_retentionrun_changelist"))
    assert page.status_code == 200 and b"messages_after_end" in page.content
