"""notify(): after commit only, preferences respected, no actor."""

import pytest
from django.db import transaction

from aux.errors import ApplicationError
from aux.notifications import services
from aux.notifications.models import Channel, Kind, Notification, NotificationPreference
from aux.notifications.selectors import preferences_for
from tests.brands.factories import MembershipFactory
from tests.users.factories import UserFactory

from .factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


def _notify(recipients, kind=Kind.OFFER_RECEIVED, **kw):
    services.notify(
        recipients=recipients, kind=kind, text="Brand X sent you an offer", url="/o/1/", **kw
    )


def test_notify_creates_nothing_before_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([user])
        assert Notification.objects.count() == 0
    assert len(callbacks) == 1


def test_notify_creates_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([user])
        raise RuntimeError("the booking change failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_notify_after_commit_creates_one_row_per_recipient_and_skips_the_actor(
    django_capture_on_commit_callbacks,
):
    a, b, actor = UserFactory(), UserFactory(), UserFactory()
    target = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([a, b, b.pk, actor], actor=actor, target=target)
    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in rows] == sorted([a.pk, b.pk])
    assert all(n.target == target and n.actor == actor for n in rows)
    assert rows[0].text == "Brand X sent you an offer" and rows[0].url == "/o/1/"


def test_notify_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        _notify([UserFactory()], kind="offer.teleported")


@pytest.mark.parametrize(
    ("channel", "rows", "mails"),
    [
        (Channel.OFF, 0, 0),
        (Channel.IN_APP, 1, 0),
        (Channel.EMAIL_IMMEDIATE, 1, 1),
        (Channel.DAILY_DIGEST, 1, 0),
    ],
)
def test_notify_respects_the_recipients_preference(
    channel, rows, mails, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    NotificationPreferenceFactory(user=user, kind=Kind.OFFER_RECEIVED, channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user])
    assert Notification.objects.filter(recipient=user).count() == rows
    assert len(mailoutbox) == mails
    if rows:
        assert Notification.objects.get(recipient=user).channel == channel


def test_default_preference_emails_at_once_and_brief_match_is_opt_in(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], kind=Kind.OFFER_ACCEPTED)
        _notify([user], kind=Kind.BRIEF_MATCH)
    assert list(Notification.objects.values_list("kind", flat=True)) == [Kind.OFFER_ACCEPTED]
    assert len(mailoutbox) == 1


def test_locked_kinds_cannot_be_turned_off():
    user = UserFactory()
    for kind in (Kind.CONTRACT_READY, Kind.PAYOUT_SENT, Kind.PAYOUT_FAILED):
        with pytest.raises(ApplicationError) as exc:
            services.preferences_update(user=user, changes={kind: Channel.OFF})
        assert kind in exc.value.errors
    assert not NotificationPreference.objects.exists()
    # Any other channel is fine for a locked kind.
    services.preferences_update(user=user, changes={Kind.PAYOUT_SENT: Channel.DAILY_DIGEST})
    assert NotificationPreference.objects.get(user=user).channel == Channel.DAILY_DIGEST


def test_preferences_update_is_all_or_nothing():
    user = UserFactory()
    with pytest.raises(ApplicationError):
        services.preferences_update(
            user=user,
            changes={Kind.OFFER_RECEIVED: Channel.OFF, Kind.CONTRACT_READY: Channel.OFF},
        )
    assert not NotificationPreference.objects.exists()


def test_a_stale_off_row_for_a_locked_kind_still_delivers(django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationPreferenceFactory(user=user, kind=Kind.CONTRACT_READY, channel=Channel.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], kind=Kind.CONTRACT_READY)
    assert Notification.objects.filter(recipient=user, kind=Kind.CONTRACT_READY).exists()
    row = next(r for r in preferences_for(user=user) if r["kind"] == Kind.CONTRACT_READY)
    assert row["locked"] and row["channel"] != Channel.OFF


def test_mark_read_only_touches_the_users_own_notifications(django_capture_on_commit_callbacks):
    me, other = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([me, other], kind=Kind.OFFER_DECLINED)
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    with pytest.raises(ApplicationError):
        services.notification_mark_read(user=me, notification_id=theirs.pk)
    services.notification_mark_read(user=me, notification_id=mine.pk)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert services.notifications_mark_all_read(user=other) == 1
    assert services.notifications_mark_all_read(user=other) == 0


@pytest.mark.django_db(transaction=True)
def test_real_rollback_creates_nothing_and_real_commit_creates_the_row(mailoutbox):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([user], kind=Kind.CONTRACT_READY)
        raise RuntimeError("signing failed")
    assert not Notification.objects.exists() and mailoutbox == []
    with transaction.atomic():
        _notify([user], kind=Kind.CONTRACT_READY)
        assert not Notification.objects.exists()
    assert Notification.objects.filter(recipient=user, kind=Kind.CONTRACT_READY).count() == 1
    assert len(mailoutbox) == 1
