from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "channel", "text", "read_at", "emailed_at",
                    "digest_sent_at"]  # fmt: skip
    list_filter = ["kind", "channel"]
    search_fields = ["recipient__email", "text"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = [f.name for f in Notification._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False  # notifications come from services, never by hand


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "updated_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
