"""Admin: a read-only Match list and the staff fairness audit report
(campaigns/briefs/fairness_audit.py).

The report is a custom admin view (ModelAdmin.get_urls), so it sits behind the admin's own staff
login and is linked from the Matches list in the admin index.
"""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import fairness_audit
from .models import Match

WEEK_CHOICES = (4, 12, 26, 52)


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Matches are written only by matches_recompute: staff read them here (curation lives on
    the brief's page)."""

    list_display = ["brief", "rank", "artist", "score", "emerging", "pinned", "computed_at"]
    list_filter = ["emerging", "pinned"]
    list_select_related = ["brief", "artist"]
    search_fields = ["brief__title", "artist__stage_name"]
    ordering = ["brief_id", "rank"]
    change_list_template = "admin/campaigns/match/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        audit = path(
            "fairness-audit/",
            self.admin_site.admin_view(self.fairness_audit_view),
            name="campaigns_match_fairness_audit",
        )
        return [audit, *super().get_urls()]

    def fairness_audit_view(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.is_staff and self.has_view_permission(request)):
            raise PermissionDenied
        by = "published" if request.GET.get("by") == "published" else "computed"
        try:
            weeks = int(request.GET.get("weeks", 12))
        except ValueError:
            weeks = 12
        weeks = weeks if weeks in WEEK_CHOICES else 12
        since = (timezone.now() - timedelta(weeks=weeks)).date()
        periods = fairness_audit.exposure_by_week(by=by, since=since)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Fairness audit: exposure of emerging and established artists",
            "by": by,
            "weeks": weeks,
            "week_choices": WEEK_CHOICES,
            "totals": fairness_audit.exposure_totals(),
            "periods": periods,
            "chart": fairness_audit.exposure_chart(periods),
            "top_artists": fairness_audit.top_artists_by_exposure(limit=20),
        }
        return TemplateResponse(request, "admin/campaigns/fairness_audit.html", context)
