from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aux.users.admin import UserAdmin
from aux.users.models import User

from . import services
from .models import ExportArchive, RetentionRun


@admin.register(ExportArchive)
class ExportArchiveAdmin(admin.ModelAdmin):
    """Read-only: archives are made by the user, or by staff with the action on the user list."""

    list_display = [
        "id", "user", "requested_by", "status", "size", "created_at", "expires_at", "download"
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["user__email"]
    readonly_fields = [*(f.name for f in ExportArchive._meta.fields), "download"]

    @admin.display(description=gettext_lazy("Download"))
    def download(self, obj: ExportArchive) -> str:
        if obj.status != ExportArchive.Status.READY:
            return "—"
        return format_html('<a href="{}">{}</a>', services.export_link(obj), _("Download"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """What each run of the retention schedule removed (privacy.retention_apply)."""

    list_display = ["ran_at", "total", "removed"]
    readonly_fields = ["ran_at", "total", "removed"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description=gettext_lazy("Export their data (a request received by e-mail)"))
def export_for_users(modeladmin, request, queryset) -> None:
    for user in queryset:
        services.export_request(user=user, requested_by=request.user)
    n = queryset.count()
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)s export queued: the user is e-mailed the link; archives are listed under "
            "Personal data › Export archives.",
            "%(n)s exports queued: each user is e-mailed the link; archives are listed under "
            "Personal data › Export archives.",
            n,
        )
        % {"n": n},
        messages.SUCCESS,
    )


# The users admin (kernel) cannot know this top-layer app: the action is added from here.
admin.site.unregister(User)


@admin.register(User)
class PrivacyUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, export_for_users]
    list_display = [*UserAdmin.list_display, "closed_at"]
