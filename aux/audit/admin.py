from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services, never edited by hand."""

    list_display = ["created_at", "actor", "verb", "target_type", "target_id"]
    list_filter = ["verb", "target_type"]
    search_fields = ["verb", "actor__email", "target_id"]
    list_select_related = ["actor", "target_type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
