from django.contrib import admin, messages
from django.utils.html import format_html

from aux.errors import ApplicationError

from . import services
from .models import Brief, BriefDeliverable, Match, MatchCuration


class BriefDeliverableInline(admin.TabularInline):
    model = BriefDeliverable
    extra = 0


class MatchCurationInline(admin.TabularInline):
    """Pin (goes first, in pin order), boost (added to the score) or hide an artist, with a note.

    Saved through campaigns.briefs.services.curation_set, which records who and when and re-ranks.
    """

    model = MatchCuration
    extra = 0
    autocomplete_fields = ["artist"]
    fields = ["artist", "pin_order", "boost", "hidden", "note", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    can_delete = False
    max_num = 0
    fields = ["rank", "artist", "score", "emerging", "pinned", "boost", "why"]
    readonly_fields = fields
    ordering = ["rank"]

    def why(self, match: Match) -> str:
        parts = sorted(match.parts.items(), key=lambda kv: -(kv[1].get("contribution") or 0))
        return ", ".join(
            f"{name} {p['contribution']:.1f}" if p.get("known", True) else f"{name} no data"
            for name, p in parts[:4]
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist")


@admin.register(Brief)
class BriefAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "status_badge", "objective", "start_date", "matches_at"]
    list_filter = ["status", "objective", "currency", "fairness"]
    search_fields = ["title", "brand__name"]
    list_select_related = ["brand"]
    readonly_fields = ["status", "submitted_at", "published_at", "published_by", "closed_at",
                       "matches_computed_at", "match_stats"]  # fmt: skip
    inlines = [BriefDeliverableInline, MatchCurationInline, MatchInline]
    actions = ["publish", "return_to_draft", "close", "recompute"]

    @admin.display(description="status", ordering="status")
    def status_badge(self, brief: Brief) -> str:
        return format_html('<span class="status status-{}">{}</span>', brief.status,
                           brief.get_status_display())  # fmt: skip

    @admin.display(description="matches computed", ordering="matches_computed_at")
    def matches_at(self, brief: Brief):
        return brief.matches_computed_at

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not MatchCuration:
            return super().save_formset(request, form, formset, change)
        brief = form.instance
        # The admin's change message reads these lists; the services below do the writing.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.deleted_forms:
            if f.instance.pk:
                services.curation_clear(
                    actor=request.user, brief=brief, artist_id=f.instance.artist_id
                )
        for f in formset.forms:
            if not f.has_changed() or f in formset.deleted_forms or not f.cleaned_data:
                continue
            d = f.cleaned_data
            services.curation_set(
                actor=request.user, brief=brief, artist_id=d["artist"].pk,
                pin_order=d.get("pin_order"), boost=d.get("boost") or 0.0,
                hidden=d.get("hidden", False), note=d.get("note", ""),
            )  # fmt: skip
        return None

    def _run(self, request, queryset, action, done: str) -> None:
        ok = 0
        for brief in queryset:
            try:
                action(actor=request.user, brief=brief)
                ok += 1
            except ApplicationError as exc:
                self.message_user(request, f"{brief}: {exc.message}", messages.ERROR)
        if ok:
            self.message_user(request, f"{ok} brief(s) {done}.", messages.SUCCESS)

    @admin.action(description="Publish (approve) selected briefs")
    def publish(self, request, queryset) -> None:
        self._run(request, queryset, services.brief_publish, "published")

    @admin.action(description="Return selected submitted briefs to draft")
    def return_to_draft(self, request, queryset) -> None:
        self._run(request, queryset, services.brief_return_to_draft, "returned to draft")

    @admin.action(description="Close selected briefs")
    def close(self, request, queryset) -> None:
        self._run(request, queryset, services.brief_close, "closed")

    @admin.action(description="Recompute matches now")
    def recompute(self, request, queryset) -> None:
        from aux.dispatch import enqueue

        from .tasks import brief_compute_matches

        queued = sum(enqueue(brief_compute_matches, brief.pk) for brief in queryset)
        if queued < len(queryset):
            self.message_user(
                request, f"The task queue is unreachable: {len(queryset) - queued} brief(s) were "
                "not queued for re-ranking. Try again in a few minutes.", messages.ERROR,
            )  # fmt: skip
        if queued:
            self.message_user(request, f"Re-ranking {queued} brief(s).", messages.SUCCESS)


@admin.register(MatchCuration)
class MatchCurationAdmin(admin.ModelAdmin):
    """Read-only history of curation: edit through the brief's page so services run."""

    list_display = ["brief", "artist", "pin_order", "boost", "hidden", "note", "updated_by",
                    "updated_at"]  # fmt: skip
    list_filter = ["hidden"]
    list_select_related = ["brief", "artist", "updated_by"]
    search_fields = ["brief__title", "artist__stage_name", "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


from . import fairness_admin  # noqa: E402,F401  (registers MatchAdmin and the fairness audit)
