"""The demo has no Celery beat: `manage.py run_schedule` (started by `make run`) runs the beat
schedule declared in settings, so the sweeps and the reconciliation run there too."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from aux.schedule import Scheduler
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Milestone
from payments.models import Payout
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

ROOT = Path(__file__).resolve().parents[1]


def test_the_scheduler_reads_the_one_beat_schedule_of_the_settings(settings):
    scheduler = Scheduler(start=timezone.now())
    assert set(scheduler.entries) == set(settings.CELERY_BEAT_SCHEDULE)
    assert scheduler.due() == []  # nothing is due the moment it starts
    two_days_ago = Scheduler(start=timezone.now() - timedelta(days=2))
    assert set(two_days_ago.due()) == set(settings.CELERY_BEAT_SCHEDULE)


@pytest.mark.django_db
def test_the_demo_scheduler_runs_the_payments_sweep_that_pays_a_forgotten_payout(
    stripe_api, settings
):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    bookings.milestone_approve(actor=manager, milestone=m)  # its payout task never ran
    Milestone.objects.filter(pk=m.pk).update(approved_at=timezone.now() - timedelta(minutes=10))
    assert not Payout.objects.filter(milestone=m).exists()
    schedule = {"payments-sweep": settings.CELERY_BEAT_SCHEDULE["payments-sweep"]}
    scheduler = Scheduler(schedule=schedule, start=timezone.now() - timedelta(hours=1))

    assert scheduler.tick() == ["payments-sweep"]

    assert Payout.objects.get(milestone=m).status == Payout.Status.SENT
    assert scheduler.tick() == []  # not due again for another ten minutes


def test_make_run_starts_the_scheduler_next_to_the_site():
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py run_schedule" in run
