"""Notification reads: a user's list, the unread count, effective channels, preferences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .kinds import DEFAULT_CHANNEL, LOCKED, allowed_channels
from .models import Channel, Kind, Notification, NotificationPreference

if TYPE_CHECKING:
    from aux.users.models import User


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (the only ones any page or API shows)."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _effective(kind: str, stored: str | None) -> str:
    channel = stored or DEFAULT_CHANNEL[kind]
    # A locked kind never resolves to off, whatever an old row says.
    return channel if channel in allowed_channels(kind) else Channel.EMAIL_IMMEDIATE


def channels_for(
    *, user_ids: Iterable[int], kind: str | None = None, kinds: Iterable[str] | None = None
):
    """Effective channels in one query.

    With `kind`: {user_id: channel}. With `kinds`: {(user_id, kind): channel}.
    """
    user_ids = list(user_ids)
    wanted = [kind] if kind is not None else list(kinds or [])
    stored = {
        (p.user_id, p.kind): p.channel
        for p in NotificationPreference.objects.filter(user_id__in=user_ids, kind__in=wanted)
    }
    if kind is not None:
        return {uid: _effective(kind, stored.get((uid, kind))) for uid in user_ids}
    return {(uid, k): _effective(k, stored.get((uid, k))) for uid in user_ids for k in wanted}


def preferences_for(*, user: User) -> list[dict]:
    """Every kind with the user's channel, its default, and whether (and why) it is locked."""
    channels = channels_for(user_ids=[user.pk], kinds=Kind.values)
    return [
        {
            "kind": kind,
            "label": str(Kind(kind).label),
            "channel": channels[(user.pk, kind)],
            "default": DEFAULT_CHANNEL[kind],
            "locked": kind in LOCKED,
            "locked_reason": str(LOCKED.get(kind, "")),
            "choices": allowed_channels(kind),
        }
        for kind in Kind.values
    ]


def digest_pending_user_ids() -> list[int]:
    return list(
        Notification.objects.filter(
            channel=Channel.DAILY_DIGEST,
            digest_sent_at__isnull=True,
            emailed_at__isnull=True,
            read_at__isnull=True,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
