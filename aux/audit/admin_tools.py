"""Admin helpers shared by the artist and brand admins: the audit trail of one object and the
verify/unverify actions (which go through each app's `*_set_verified` service), and the queue of
verification requests (each app's `*_verification_decide` service)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
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


class VerificationDecisionForm(forms.ModelForm):
    """Staff approve or refuse a waiting verification request (the reason is required to refuse
    and the requester reads it). The decision runs here, through the app's `*_verification_decide`
    service, so a refusal of the service is a form error that keeps what staff typed."""

    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve: mark verified")), ("refuse", _("Refuse"))],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason (the requester reads it)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to refuse."),
    )  # fmt: skip

    actor = None  # the staff user and the service, set by VerificationRequestAdmin.get_form
    service = None

    def clean(self) -> dict:
        data = super().clean()
        if "decision" not in data:
            return data
        try:
            self.instance = self.service(
                actor=self.actor, request=self.instance, approve=data["decision"] == "approve",
                reason=data.get("reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                self.add_error("reason", errors)
        except ApplicationError as exc:
            self.add_error(None, exc.message)
        return data


class VerificationRequestAdmin(admin.ModelAdmin):
    """The staff queue of verification requests (brands and artists subclass it): the evidence,
    then approve or refuse with a reason. A decided request is read-only."""

    form = VerificationDecisionForm
    list_filter = ["status"]
    decision_service: Callable | None = None
    evidence_fields: list[str] = []
    decided_fields = ["status", "decided_by", "decided_at", "decision_reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != obj.Status.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def _pending(self, obj) -> bool:
        return obj is not None and obj.status == obj.Status.PENDING

    def get_fields(self, request, obj=None):
        if self._pending(obj):
            return [*self.evidence_fields, "decision", "reason"]
        return [*self.evidence_fields, *self.decided_fields]

    def get_readonly_fields(self, request, obj=None):
        if self._pending(obj):
            return self.evidence_fields
        return [*self.evidence_fields, *self.decided_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        extra = {"actor": request.user, "service": staticmethod(self.decision_service)}
        return type(form.__name__, (form,), extra)

    def save_model(self, request, obj, form, change) -> None:
        """Nothing to save: VerificationDecisionForm.clean decided through the service."""
