"""Admin helpers shared by the artist and brand admins: the audit trail of one object and the
verify/unverify actions (which go through each app's `*_set_verified` service)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aux.errors import ApplicationError

from .models import AuditEvent


def audit_trail_html(obj) -> str:
    """The audit events about `obj`, newest first, with a link to the full filtered list."""
    if obj is None or obj.pk is None:
        return "—"
    content_type = ContentType.objects.get_for_model(obj)
    events = (
        AuditEvent.objects.filter(target_type=content_type, target_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:20]
    )
    link = (
        reverse("admin:audit_auditevent_changelist")
        + "?"
        + urlencode({"target_type__id__exact": content_type.pk, "target_id": obj.pk})
    )
    rows = format_html_join(
        "",
        "<li>{} · {} · {}</li>",
        (
            (
                e.created_at.strftime("%Y-%m-%d %H:%M"),
                e.actor.email if e.actor else "system",
                e.verb,
            )
            for e in events
        ),
    )
    if not events:
        rows = format_html("<li>{}</li>", _("No recorded events."))
    return format_html('<ul>{}</ul><a href="{}">{}</a>', rows, link, _("All audit events"))


def set_verified(
    modeladmin, request: HttpRequest, queryset: QuerySet, *, service: Callable, verified: bool
) -> None:
    """Call the service for each selected object whose mark changes; report how many."""
    changed = 0
    for obj in queryset.filter(verified=not verified).order_by("pk"):
        try:
            service(actor=request.user, verified=verified, **{modeladmin.service_arg: obj})
        except ApplicationError as exc:
            modeladmin.message_user(request, exc.message, level=messages.ERROR)
            return
        changed += 1
    modeladmin.message_user(
        request,
        (_("%(n)d marked verified.") if verified else _("%(n)d unmarked.")) % {"n": changed},
        level=messages.SUCCESS,
    )
