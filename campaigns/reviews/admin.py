"""The staff queue of reported reviews: read the review and the report, then hide the review
(audited, off the pages and the averages) or keep it. Reviews themselves are read-only here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aux.errors import ApplicationError

from ..bookings.models import Review, ReviewReport
from . import services


class ReportDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("hide", _("Hide the review")), ("keep", _("Keep the review"))],
    )  # fmt: skip
    note = forms.CharField(
        label=_("Why the review is hidden"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to hide."),
    )  # fmt: skip

    actor = None  # the staff user, set by ReviewReportAdmin.get_form

    class Meta:
        model = ReviewReport
        fields: list[str] = []

    def clean(self) -> dict:
        data = super().clean()
        if "decision" not in data:
            return data
        try:
            if data["decision"] == "hide":
                services.review_hide(
                    actor=self.actor, review=self.instance.review, reason=data.get("note", "")
                )
            else:
                services.review_report_dismiss(actor=self.actor, report=self.instance)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                self.add_error("note", errors)
        except ApplicationError as exc:
            self.add_error(None, exc.message)
        return data


@admin.register(ReviewReport)
class ReviewReportAdmin(admin.ModelAdmin):
    list_display = ["id", "review", "reporter", "outcome", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["review", "reporter"]
    form = ReportDecisionForm
    case_fields = ["review_text", "review_link", "reporter", "reason", "created_at"]
    decided_fields = ["outcome", "handled_by", "handled_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.outcome != ReviewReport.Outcome.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def _open(self, obj) -> bool:
        return obj is not None and obj.outcome == ReviewReport.Outcome.OPEN

    def get_fields(self, request, obj=None):
        if self._open(obj):
            return [*self.case_fields, "decision", "note"]
        return [*self.case_fields, *self.decided_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.case_fields if self._open(obj) else [*self.case_fields, *self.decided_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change) -> None:
        """Nothing to save: ReportDecisionForm.clean decided through the services."""

    @admin.display(description=_("review"))
    def review_text(self, obj: ReviewReport) -> str:
        r = obj.review
        return format_html("{}★ · {}<br>{}", r.rating, r.get_author_side_display(), r.text or "—")

    @admin.display(description=_("review in the admin"))
    def review_link(self, obj: ReviewReport) -> str:
        url = reverse("admin:campaigns_review_change", args=[obj.review_id])
        return format_html('<a href="{}">#{}</a>', url, obj.review_id)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: reviews are written by the parties; staff hide one from a report."""

    list_display = ["id", "contract", "author_side", "rating", "created_at", "hidden_at"]
    list_filter = ["author_side", "rating"]
    list_select_related = ["contract"]
    readonly_fields = ["contract", "author_side", "author", "rating", "text", "created_at",
                       "reply", "replied_at", "replied_by", "hidden_at", "hidden_by",
                       "hidden_reason"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
