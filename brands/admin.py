from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aux.audit.admin_tools import VerificationRequestAdmin, audit_trail_html, set_verified
from aux.audit.services import audit_record

from .models import Brand, BrandCategory, BrandVerificationRequest, Invitation, Membership
from .services import brand_set_verified
from .verification import brand_verification_decide


@admin.register(BrandCategory)
class BrandCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "slug"]
    search_fields = ["name", "name_fr"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    """Read-only: roles change through the brand's team page (brands.services), which keeps
    the last-owner rule and the audit trail."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class InvitationInline(admin.TabularInline):
    """Invitations are created by owners (with an e-mail); staff see them here read-only."""

    model = Invitation
    extra = 0
    fields = [
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "verified", "verified_at", "created_at"]
    list_filter = ["verified", "category"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "website"]
    readonly_fields = ["verified", "verified_at", "verified_by", "audit_trail"]
    inlines = [MembershipInline, InvitationInline]
    actions = ["verify", "unverify"]
    service_arg = "brand"
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "website", "logo", "description"]}),
        (
            _("Verification (use the list actions)"),
            {"fields": ["verified", "verified_at", "verified_by", "audit_trail"]},
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Brand, form, change: bool) -> None:
        """Staff edits of the brand's own fields are recorded in its audit trail too."""
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                actor=request.user,
                verb="brand.admin_updated",
                target=obj,
                fields=sorted(form.changed_data),
            )

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: Brand) -> str:
        return audit_trail_html(obj)

    @admin.action(description=_("Verify the selected brands"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Brand]) -> None:
        set_verified(self, request, queryset, service=brand_set_verified, verified=True)

    @admin.action(description=_("Remove the verified mark"), permissions=["change"])
    def unverify(self, request: HttpRequest, queryset: QuerySet[Brand]) -> None:
        set_verified(self, request, queryset, service=brand_set_verified, verified=False)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are written by the team services (tokens never shown)."""

    list_display = [
        "email",
        "brand",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    list_select_related = ["brand"]
    search_fields = ["email", "brand__name"]
    fields = [
        "brand",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BrandVerificationRequest)
class BrandVerificationRequestAdmin(VerificationRequestAdmin):
    """The queue of brands asking to be verified (filter on "Waiting for staff")."""

    list_display = ["brand", "website_domain", "requested_by", "status", "created_at"]
    list_select_related = ["brand", "requested_by"]
    search_fields = ["brand__name", "website_domain", "registration_number"]
    decision_service = staticmethod(brand_verification_decide)
    evidence_fields = ["brand", "requested_by", "requester_email", "website_domain",
                       "registration_number", "contact_name", "created_at"]  # fmt: skip

    @admin.display(description=_("requester's e-mail address"))
    def requester_email(self, obj: BrandVerificationRequest) -> str:
        return obj.requested_by.email if obj.requested_by else "—"
