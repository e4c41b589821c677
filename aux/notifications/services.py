"""Notification writes: `notify` (the one entry point every other service calls), read markers,
preferences, one-click unsubscribe, and the e-mail sends that the Celery tasks run."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from aux.dispatch import enqueue, enqueue_on_commit
from aux.errors import ApplicationError, NotFoundError

from . import emails, messages
from .kinds import LOCKED, allowed_channels
from .models import Channel, Kind, Notification, NotificationPreference, PeriodicSend
from .selectors import channels_for, digest_pending_user_ids, preferences_for

if TYPE_CHECKING:
    from aux.users.models import User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "aux.notifications.unsubscribe"
ALL_KINDS = "all"  # an unsubscribe token for every kind at once (the digest's header link)


def _user_id(recipient: Any) -> int:
    return recipient if isinstance(recipient, int) else recipient.pk


def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    actor: User | None = None,
    target: Model | None = None,
    text: str,
    params: dict[str, Any] | None = None,
    url: str,
) -> None:
    """Tell `recipients` about `kind`, once the caller's transaction commits.

    `text` is an English message marked with gettext_noop, with `%(name)s` placeholders for
    `params` (plain values, or aux.notifications.messages' label/money/moment): each reader sees it
    in their own language.

    Call it inside the transaction that makes the change: the rows are created by an on_commit
    callback, so a rolled-back change creates nothing and sends nothing. The actor is never told
    about their own action; duplicates are collapsed; each recipient's preference decides the
    channel (off: no row; email_immediate: the e-mail task is enqueued after the rows commit).
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    actor_id = actor.pk if actor is not None else None
    ids = list(dict.fromkeys(_user_id(r) for r in recipients if r is not None))
    ids = [uid for uid in ids if uid != actor_id]
    if not ids:
        return
    target_ct_id = ContentType.objects.get_for_model(target).pk if target is not None else None
    target_pk = target.pk if target is not None else None
    text = str(text)[:300]
    params = messages.clean(params or {})
    url = str(url)[:500]

    def deliver() -> None:
        _deliver(
            recipient_ids=ids, kind=kind, actor_id=actor_id, target_ct_id=target_ct_id,
            target_pk=target_pk, text=text, params=params, url=url,
        )  # fmt: skip

    transaction.on_commit(deliver)


def _deliver(
    *,
    recipient_ids: list[int],
    kind: str,
    actor_id: int | None,
    target_ct_id: int | None,
    target_pk: int | None,
    text: str,
    params: dict[str, Any],
    url: str,
) -> list[Notification]:
    from .tasks import send_email  # the task module imports this one

    with transaction.atomic():
        active = set(
            get_user_model()
            .objects.filter(pk__in=recipient_ids, is_active=True)
            .values_list("pk", flat=True)
        )
        channels = channels_for(user_ids=[u for u in recipient_ids if u in active], kind=kind)
        rows = [
            Notification(
                recipient_id=uid,
                kind=kind,
                channel=channel,
                actor_id=actor_id,
                target_content_type_id=target_ct_id,
                target_object_id=target_pk,
                text=text,
                params=params,
                url=url,
            )
            for uid, channel in channels.items()
            if channel != Channel.OFF
        ]
        created = Notification.objects.bulk_create(rows)
        for n in created:
            if n.channel == Channel.EMAIL_IMMEDIATE:
                enqueue_on_commit(send_email, n.pk)
    return created


# --- Reading ------------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (idempotent). Others' are a 404."""
    n = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if n is None:
        raise NotFoundError(gettext("No such notification."))
    if n.read_at is None:
        n.read_at = timezone.now()
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=n.read_at)
    return n


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences --------------------------------------------------------------------------------


def _check_choice(kind: str, channel: str) -> None:
    if kind not in Kind.values:
        raise ApplicationError(
            gettext("Unknown notification kind."), errors={kind: [gettext("Unknown kind.")]}
        )
    if channel not in Channel.values:
        raise ApplicationError(
            gettext("Unknown channel."),
            errors={
                kind: [gettext("Choose one of %(items)s.") % {"items": ", ".join(Channel.values)}]
            },
        )
    if channel not in allowed_channels(kind):
        raise ApplicationError(
            gettext("%(label)s cannot be turned off.") % {"label": Kind(kind).label},
            errors={kind: [str(LOCKED[kind])]},
        )


@transaction.atomic
def preferences_update(*, user: User, changes: dict[str, str]) -> dict[str, str]:
    """Set the user's channel for several kinds at once; all or nothing.

    Locked kinds (contract to sign, payouts) refuse `off`. Returns every kind's channel.
    """
    for kind, channel in changes.items():
        _check_choice(kind, channel)
    for kind, channel in changes.items():
        pref = NotificationPreference(user=user, kind=kind, channel=channel)
        pref.full_clean(validate_unique=False, validate_constraints=False)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )

    return {row["kind"]: row["channel"] for row in preferences_for(user=user)}


# --- Unsubscribe --------------------------------------------------------------------------------


def unsubscribe_token_make(*, user_id: int, kind: str) -> str:
    """A signed token naming the user and the kind; it needs no login and never expires."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(*, token: str) -> tuple[User, str]:
    """The user and kind a token names; a tampered or unknown token is an ApplicationError."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(gettext("This unsubscribe link is not valid.")) from None
    if kind != ALL_KINDS and kind not in Kind.values:
        raise ApplicationError(gettext("This unsubscribe link is not valid."))
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ApplicationError(gettext("This unsubscribe link is not valid."))
    return user, kind


def unsubscribe_apply(*, token: str) -> tuple[User, str]:
    """Stop e-mail for the token's kind (or every kind): the channel becomes in-app only.

    In-app is kept, so this works for locked kinds too and never loses a notification.
    """
    user, kind = unsubscribe_token_read(token=token)
    kinds = Kind.values if kind == ALL_KINDS else [kind]
    current = channels_for(user_ids=[user.pk], kinds=kinds)
    changes = {
        k: Channel.IN_APP
        for k in kinds
        if current[(user.pk, k)] in (Channel.EMAIL_IMMEDIATE, Channel.DAILY_DIGEST)
    }
    if changes:
        preferences_update(user=user, changes=changes)
    return user, kind


# --- E-mail -------------------------------------------------------------------------------------


def notification_send_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail at most once; True when this call sent it.

    The row is locked while sending and `emailed_at` is set only after the SMTP server accepted
    the message, in the same transaction: a failed send leaves it unset (the task retries), a
    retry after success finds it set and sends nothing.
    """
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if n is None:
            logger.info("notification %s is gone: no e-mail", notification_id)
            return False
        if n.emailed_at is not None or not n.recipient.is_active or not n.recipient.email:
            return False
        emails.notification_message(n).send()
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return True


DIGEST_JOB = "notifications.digest"
PERIODIC_SENDS_KEPT = timedelta(days=30)  # far longer than any period (a day)


def periodic_send_claim(*, job: str, period: str, recipient_id: int | None = None) -> bool:
    """Record that `job` sends its message for `period` (to `recipient_id`, or to staff);
    False when that was recorded already, and the caller then sends nothing.

    Call it inside the transaction that sends, just before sending. A concurrent run of the job
    waits on the unique index until that transaction ends, then finds the row; if the send
    failed and rolled back, the row is gone and the next run sends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("periodic_send_claim belongs in the transaction that sends")
    try:
        with transaction.atomic():  # a savepoint: the duplicate's error leaves the caller usable
            PeriodicSend.objects.create(job=job, period=period, recipient_id=recipient_id)
    except IntegrityError:
        return False
    return True


def digest_send(*, user_id: int, period: str | None = None) -> int:
    """Send the user's daily digest of notifications not yet e-mailed; returns the item count.

    Once per user per `period` (the day the beat job ran for, by default today): a second run
    for that day sends nothing, and items that arrived since wait for the next day's digest.
    Items are locked and marked `digest_sent_at` in the sending transaction: a retry after
    success finds nothing left, so no item is ever in two digests.
    """
    period = period or timezone.localdate().isoformat()
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .filter(
                recipient_id=user_id,
                channel=Channel.DAILY_DIGEST,
                digest_sent_at__isnull=True,
                emailed_at__isnull=True,
                read_at__isnull=True,  # already seen in the site: no need to e-mail it
            )
            .order_by("kind", "created_at", "pk")
        )
        if not items:
            return 0
        user = get_user_model().objects.get(pk=user_id)
        if not user.is_active or not user.email:
            return 0
        if not periodic_send_claim(job=DIGEST_JOB, period=period, recipient_id=user_id):
            return 0
        emails.digest_message(user, items).send()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            digest_sent_at=timezone.now()
        )
    return len(items)


def digests_enqueue() -> int:
    """Enqueue one digest task per user who has digest items waiting (the daily beat job).

    Each task carries today's date, so a task a worker runs after midnight still counts for the
    day it was queued for. Records of periodic sends older than a month are removed here.
    """
    from .tasks import send_digest  # the task module imports this one

    PeriodicSend.objects.filter(sent_at__lt=timezone.now() - PERIODIC_SENDS_KEPT).delete()
    period = timezone.localdate().isoformat()
    user_ids = digest_pending_user_ids()
    for uid in user_ids:
        enqueue(send_digest, uid, period)
    return len(user_ids)


def emails_sweep(*, older_than_minutes: int = 5, window: timedelta = timedelta(days=2)) -> int:
    """Queue again the immediate e-mails of the last `window` still unsent after a few minutes
    (the broker was down when they were queued, see aux.dispatch). The send is once-only
    (`emailed_at` under a row lock), so a task still in the queue and this one never both send.
    Returns how many were queued."""
    from .tasks import send_email  # the task module imports this one

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = Notification.objects.filter(
        channel=Channel.EMAIL_IMMEDIATE, emailed_at__isnull=True,
        created_at__range=(cutoff - window, cutoff),
    ).values_list("pk", flat=True)  # fmt: skip
    return sum(enqueue(send_email, pk) for pk in ids)
