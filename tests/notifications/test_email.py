"""E-mail per kind (subject, link, unsubscribe), the task's retry through a real SMTP server that
refuses the first attempt, and the daily digest."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone

from aux.notifications import services
from aux.notifications.kinds import SUBJECTS, template_slug
from aux.notifications.models import Channel, Kind, Notification
from aux.notifications.tasks import send_digest, send_digests, send_email
from tests.users.factories import UserFactory

from .factories import NotificationFactory
from .smtp import SmtpSink

pytestmark = pytest.mark.django_db

SITE = "https://aux.example.org"


def _body(message, subtype="plain"):
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode()
    raise AssertionError(f"no text/{subtype} part")


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_has_its_subject_link_and_unsubscribe(kind, mailoutbox):
    n = NotificationFactory(kind=kind, channel=Channel.EMAIL_IMMEDIATE, url=f"/things/{kind}/")
    assert services.notification_send_email(notification_id=n.pk) is True
    (mail,) = mailoutbox
    assert mail.subject == f"[AUX] {SUBJECTS[kind]}"
    assert mail.to == [n.recipient.email]
    link = f"{SITE}/things/{kind}/"
    html = mail.alternatives[0].content
    assert link in mail.body and f'href="{link}"' in html
    assert n.text in mail.body and n.text in html
    unsubscribe = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{SITE}/notifications/unsubscribe/")
    assert unsubscribe in mail.body and unsubscribe in html
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.unsubscribe_token_read(token=unsubscribe.rstrip("/").rsplit("/", 1)[1]) == (
        n.recipient,
        kind,
    )


def test_each_kind_has_its_own_wording(mailoutbox):
    user = UserFactory()
    for kind in Kind.values:
        n = NotificationFactory(recipient=user, kind=kind, text="Same text", url="/x/")
        services.notification_send_email(notification_id=n.pk)
    bodies = [m.body.split("Same text")[0] for m in mailoutbox]
    assert len(bodies) == len(Kind.values)
    assert len(set(bodies)) == len(Kind.values), "a kind fell back to the shared wording"
    assert {template_slug(k) for k in Kind.values} == {
        p.stem for p in (django_settings.BASE_DIR / "templates/notifications/email").glob("*.txt")
    } - {"base", "digest"}


def test_a_sent_notification_is_never_emailed_again(mailoutbox):
    n = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE)
    assert send_email.delay(n.pk).get() is True
    assert send_email.delay(n.pk).get() is False
    assert len(mailoutbox) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_email_task_for_a_deleted_notification_does_nothing(mailoutbox):
    n = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE)
    pk = n.pk
    n.delete()
    assert send_email.delay(pk).get() is False
    assert mailoutbox == []


def test_email_task_retries_after_an_smtp_refusal_and_sends_exactly_once(settings):
    n = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE, kind=Kind.CONTRACT_READY)
    with SmtpSink(refuse_first=1) as smtp:
        settings.MAILERS = smtp.mailer()
        # Eager Celery runs the real autoretry path: the 451 raises, the task retries at once
        # (in-process, no countdown) and the retry delivers.
        result = send_email.apply(args=(n.pk,), throw=False)
        assert result.state != "FAILURE"
        assert smtp.attempts == 2
        assert len(smtp.messages) == 1
        assert smtp.messages[0]["Subject"] == f"[AUX] {SUBJECTS[Kind.CONTRACT_READY]}"
        n.refresh_from_db()
        assert n.emailed_at is not None
        # A late duplicate delivery of the task (e.g. redelivered by the broker) sends nothing.
        assert send_email.delay(n.pk).get() is False
        assert len(smtp.messages) == 1


def test_email_marker_stays_unset_while_the_smtp_server_refuses(settings):
    n = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE)
    with SmtpSink(refuse_first=100) as smtp:
        settings.MAILERS = smtp.mailer()
        with pytest.raises(Exception):  # noqa: B017 (smtplib's refusal after the last retry)
            services.notification_send_email(notification_id=n.pk)
        assert smtp.messages == []
    n.refresh_from_db()
    assert n.emailed_at is None


def _digest_items(user, kinds):
    return [
        NotificationFactory(recipient=user, kind=k, channel=Channel.DAILY_DIGEST, url=f"/d/{i}/")
        for i, k in enumerate(kinds)
    ]


@override_settings(SITE_URL=SITE)
def test_digest_groups_each_users_items_in_one_email_per_user(mailoutbox):
    alice, bob = UserFactory(), UserFactory()
    items = _digest_items(alice, [Kind.OFFER_RECEIVED, Kind.OFFER_RECEIVED, Kind.MESSAGE_NEW])
    _digest_items(bob, [Kind.DELIVERABLE_OVERDUE])
    NotificationFactory(recipient=alice, channel=Channel.IN_APP)  # never in a digest
    NotificationFactory(recipient=alice, channel=Channel.EMAIL_IMMEDIATE)  # e-mailed on its own

    assert send_digests.delay().get() == 2
    by_rcpt = {m.to[0]: m for m in mailoutbox}
    assert set(by_rcpt) == {alice.email, bob.email}
    mail = by_rcpt[alice.email]
    assert "3 updates" in mail.subject
    body = mail.body
    assert body.count("== Offer received ==") == 1 and body.count("== New message ==") == 1
    for n in items:
        assert n.text in body and f"{SITE}{n.url}" in body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(
        n.digest_sent_at is not None
        for n in Notification.objects.filter(channel=Channel.DAILY_DIGEST)
    )


def test_digest_never_sends_an_item_twice(mailoutbox):
    user = UserFactory()
    first = _digest_items(user, [Kind.OFFER_RECEIVED])
    assert send_digest.delay(user.pk).get() == 1
    assert send_digest.delay(user.pk).get() == 0  # a retry or a second beat run
    assert send_digests.delay().get() == 0
    later = _digest_items(user, [Kind.OFFER_COUNTERED])
    assert send_digest.delay(user.pk).get() == 0  # once a day: it waits for tomorrow's
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert send_digest.delay(user.pk, tomorrow).get() == 1
    assert len(mailoutbox) == 2
    assert first[0].text in mailoutbox[0].body and first[0].text not in mailoutbox[1].body
    assert later[0].text in mailoutbox[1].body


def test_digest_after_an_smtp_refusal_marks_nothing_then_sends_once(settings):
    user = UserFactory()
    _digest_items(user, [Kind.OFFER_RECEIVED, Kind.OFFER_DECLINED])
    with SmtpSink(refuse_first=1) as smtp:
        settings.MAILERS = smtp.mailer()
        assert send_digest.apply(args=(user.pk,), throw=False).state != "FAILURE"
        assert smtp.attempts == 2 and len(smtp.messages) == 1
    assert not Notification.objects.filter(digest_sent_at__isnull=True).exists()


def test_digest_leaves_out_what_was_already_read_in_the_site(mailoutbox):
    user = UserFactory()
    read, unread = _digest_items(user, [Kind.OFFER_RECEIVED, Kind.OFFER_COUNTERED])
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    assert send_digest.delay(user.pk).get() == 1
    assert unread.text in mailoutbox[0].body and read.text not in mailoutbox[0].body
