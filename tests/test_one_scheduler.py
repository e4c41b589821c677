"""One scheduler per database, and periodic jobs that send once per period however often they
run: two beats (or two deployments on one PostgreSQL) never run a job twice, and a digest, a
reminder or the staff's reconciliation e-mail reaches each person once per period."""

from datetime import timedelta

import pytest
from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from aux.celery import app
from aux.notifications.models import Channel, Kind, PeriodicSend
from aux.notifications.services import digest_send, periodic_send_claim
from aux.notifications.tasks import send_digest, send_digests
from aux.schedule import STANDBY_SECONDS, BeatLock, SingleBeatScheduler
from campaigns.bookings import services as bookings
from campaigns.bookings.tasks import milestones_review_remind
from payments.services.reconcile import _mail_staff_once_a_day
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract
from tests.notifications.factories import NotificationFactory
from tests.notifications.smtp import SmtpSink
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
RUNS: list[int] = []


@shared_task(name="tests.scheduled_job")
def scheduled_job() -> None:
    RUNS.append(1)


@pytest.fixture
def locks():
    made: list[BeatLock] = []
    yield lambda: made.append(BeatLock()) or made[-1]
    for lock in made:
        lock.release()


def test_one_lock_per_database_and_the_next_scheduler_takes_over(locks):
    first, second = locks(), locks()

    assert first.held() and first.held()  # asked again: still (and only once) held
    assert not second.held()
    first.release()  # the holder stops: PostgreSQL releases its session's lock
    assert second.held() and not first.held()


@pytest.fixture
def beats(tmp_path):
    """Two celery beat schedulers with one job, due now, each with its own state file."""
    RUNS.clear()
    settings_schedule = app.conf.beat_schedule
    app.conf.beat_schedule = {"job": {"task": "tests.scheduled_job", "schedule": 60.0}}
    made = []
    for name in ("a", "b"):
        beat = SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=False)
        beat.schedule["job"].last_run_at = timezone.now() - timedelta(minutes=5)
        made.append(beat)
    yield made
    app.conf.beat_schedule = settings_schedule
    for beat in made:
        beat.close()


def test_two_beats_on_one_database_run_a_due_job_once(beats):
    a, b = beats

    a.tick()
    assert b.tick() == STANDBY_SECONDS
    assert RUNS == [1]
    a.close()  # the running beat stops: the other one takes over
    b.tick()
    assert RUNS == [1, 1]


def test_a_periodic_send_is_recorded_once_per_job_period_and_recipient():
    user = UserFactory()
    with transaction.atomic():
        assert periodic_send_claim(job="j", period="2026-12-08", recipient_id=user.pk)
        assert not periodic_send_claim(job="j", period="2026-12-08", recipient_id=user.pk)
        assert periodic_send_claim(job="j", period="2026-12-09", recipient_id=user.pk)
        assert periodic_send_claim(job="j", period="2026-12-08")  # to staff
        assert not periodic_send_claim(job="j", period="2026-12-08")
    assert PeriodicSend.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodicSend.objects.create(job="j", period="2026-12-08")  # the database says so too


def _digest_item(user, kind=Kind.OFFER_RECEIVED):
    return NotificationFactory(recipient=user, kind=kind, channel=Channel.DAILY_DIGEST)


def test_the_daily_digest_job_run_twice_sends_one_email_per_user(mailoutbox):
    alice, bob = UserFactory(), UserFactory()
    _digest_item(alice), _digest_item(bob)

    assert send_digests.delay().get() == 2
    _digest_item(alice, Kind.OFFER_COUNTERED)  # arrives between the two runs
    send_digests.delay().get()  # a second beat, or the same job again the same day

    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert send_digest.delay(alice.pk, tomorrow).get() == 1  # the next period's digest
    assert len(mailoutbox) == 3


def test_a_digest_that_failed_to_send_is_sent_by_the_next_run_the_same_day(mailoutbox, settings):
    user = UserFactory()
    _digest_item(user)
    working = settings.MAILERS
    with SmtpSink(refuse_first=100) as smtp:
        settings.MAILERS = smtp.mailer()
        with pytest.raises(Exception):  # noqa: B017 (smtplib's refusal)
            digest_send(user_id=user.pk)
    assert not PeriodicSend.objects.exists()  # rolled back with the failed send
    settings.MAILERS = working
    assert digest_send(user_id=user.pk) == 1 and len(mailoutbox) == 1


def test_the_review_reminder_job_run_twice_sends_one_email_per_decider(
    brand, brand_manager, mailoutbox, django_capture_on_commit_callbacks
):
    artist = booking_artist()
    contract = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand),
                                    artist=artist)  # fmt: skip
    milestone = contract.milestones.get()
    bookings.milestone_submit(actor=artist.user, milestone=milestone, note="Done.")
    milestone.refresh_from_db()
    now = milestone.review_due_at - timedelta(hours=2)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert bookings.milestones_review_remind_due(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings.milestones_review_remind_due(now=now) == 0
        milestones_review_remind.delay()  # the beat task itself, now

    reminders = [m for m in mailoutbox if milestone.title in m.subject + m.body]
    assert [m.to for m in reminders] == [[brand_manager.email]]


def test_the_reconciliation_mails_staff_once_a_day(mailoutbox, settings):
    settings.ADMINS = ["staff@aux.test"]

    _mail_staff_once_a_day(["Contract #1: escrow is negative."])
    _mail_staff_once_a_day(["Contract #1: escrow is negative."])

    assert len(mailoutbox) == 1 and "escrow is negative" in mailoutbox[0].body
