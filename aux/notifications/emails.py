"""E-mail messages for notifications: per-kind text + HTML templates on a shared base, absolute
links from settings.SITE_URL, and a one-click unsubscribe link (plus RFC 8058 headers)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from .kinds import SUBJECTS, template_slug
from .models import Kind

if TYPE_CHECKING:
    from aux.users.models import User

    from .models import Notification


def absolute(url: str) -> str:
    """A site path → an absolute URL on SITE_URL (absolute URLs are kept as they are)."""
    if not url:
        return settings.SITE_URL.rstrip("/") + "/"
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def unsubscribe_url(user_id: int, kind: str) -> str:
    from .services import unsubscribe_token_make  # services imports this module

    token = unsubscribe_token_make(user_id=user_id, kind=kind)
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _headers(unsubscribe: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def subject_for(kind: str) -> str:
    return f"[AUX] {SUBJECTS[kind]}"


def notification_message(n: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification, in the templates of its kind and the recipient's
    language (whoever triggered it, in whatever language)."""
    with translation.override(n.recipient.email_language):
        return _notification_message(n)


def _notification_message(n: Notification) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(n.recipient_id, n.kind)
    context = {
        "notification": n,
        "recipient": n.recipient,
        "kind_label": Kind(n.kind).label,
        "subject": SUBJECTS[n.kind],
        "object_url": absolute(n.url),
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "site_url": settings.SITE_URL,
    }
    slug = template_slug(n.kind)
    text = render_to_string(f"notifications/email/{slug}.txt", context)
    html = render_to_string(f"notifications/email/{slug}.html", context)
    msg = EmailMultiAlternatives(
        subject_for(n.kind), text, None, [n.recipient.email], headers=_headers(unsubscribe)
    )
    msg.attach_alternative(html, "text/html")
    return msg


def digest_message(user: User, items: list[Notification]) -> EmailMultiAlternatives:
    """One e-mail grouping the user's waiting digest items by kind, each with its links, in the
    user's language."""
    with translation.override(user.email_language):
        return _digest_message(user, items)


def _digest_message(user: User, items: list[Notification]) -> EmailMultiAlternatives:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for n in items:
        grouped[n.kind].append(n)
    groups = [
        {
            "kind": kind,
            "label": Kind(kind).label,
            "items": [{"text": n.message, "url": absolute(n.url)} for n in rows],
            "unsubscribe_url": unsubscribe_url(user.pk, kind),
        }
        for kind, rows in grouped.items()
    ]
    from .services import ALL_KINDS  # services imports this module

    unsubscribe_all = unsubscribe_url(user.pk, ALL_KINDS)
    context = {
        "recipient": user,
        "groups": groups,
        "count": len(items),
        "unsubscribe_url": unsubscribe_all,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "list_url": absolute(reverse("notifications:list")),
        "site_url": settings.SITE_URL,
    }
    text = render_to_string("notifications/email/digest.txt", context)
    html = render_to_string("notifications/email/digest.html", context)
    subject = "[AUX] " + ngettext(
        "Your daily summary: %(count)d update", "Your daily summary: %(count)d updates", len(items)
    ) % {"count": len(items)}
    msg = EmailMultiAlternatives(
        subject, text, None, [user.email], headers=_headers(unsubscribe_all)
    )
    msg.attach_alternative(html, "text/html")
    return msg
