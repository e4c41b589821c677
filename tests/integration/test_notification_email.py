"""notify → commit → Redis → a real Celery worker → a real local SMTP server (aiosmtpd)."""

import time

import pytest
from django.db import transaction

from aux.notifications import services
from aux.notifications.models import Kind, Notification
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_committed_notification_is_emailed_by_the_worker_once(real_broker, smtp_sink):
    user = UserFactory(email="worker-mail@example.com")
    before = len(smtp_sink.messages)
    with transaction.atomic():
        services.notify(
            recipients=[user], kind=Kind.CONTRACT_READY, text="Sign the Fizz contract",
            url="/bookings/contracts/1/",
        )  # fmt: skip
        assert not Notification.objects.exists()  # nothing before commit
    n = Notification.objects.get(recipient=user)

    messages = smtp_sink.wait_for(before + 1)
    mine = [m for m in messages if m["To"] == user.email]
    assert len(mine) == 1
    assert mine[0]["Subject"] == "[AUX] A contract is ready for your signature"
    assert mine[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        n.refresh_from_db()
        if n.emailed_at is not None:
            break
        time.sleep(0.05)
    assert n.emailed_at is not None

    # Enqueue again (as a redelivery would): the worker sees the marker and sends nothing.
    from aux.notifications.tasks import send_email

    assert send_email.delay(n.pk).get(timeout=20) is False
    assert len([m for m in smtp_sink.messages if m["To"] == user.email]) == 1
