from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aux.audit.admin_tools import VerificationRequestAdmin, audit_trail_html, set_verified

from .models import (
    AgeShare,
    Artist,
    ArtistVerificationRequest,
    AudienceShare,
    DeliverableType,
    Genre,
    MediaLink,
    Mood,
    Rate,
    Unavailability,
)
from .services import artist_set_verified
from .verification import artist_verification_decide, platform_of


@admin.register(Genre, Mood)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeliverableType)
class DeliverableTypeAdmin(TaxonomyAdmin):
    list_display = ["name", "slug", "description"]


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0


class AudienceShareInline(admin.TabularInline):
    model = AudienceShare
    extra = 0
    verbose_name_plural = _("audience by country")


class AgeShareInline(admin.TabularInline):
    model = AgeShare
    extra = 0
    verbose_name_plural = _("audience by age")


class MediaLinkInline(admin.TabularInline):
    model = MediaLink
    extra = 0


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


class EmergingFilter(admin.SimpleListFilter):
    """Emerging is derived (monthly listeners below AUX_EMERGING_MAX_LISTENERS), not stored."""

    title = _("emerging")
    parameter_name = "emerging"

    def lookups(self, request, model_admin):
        return [("yes", _("Emerging")), ("no", _("Established"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.emerging()
        if self.value() == "no":
            return queryset.established()
        return queryset


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = [
        "stage_name",
        "slug",
        "country",
        "monthly_listeners",
        "emerging",
        "verified",
        "verified_at",
        "user",
    ]
    list_filter = ["verified", EmergingFilter, "country", "genres"]
    list_select_related = ["user"]
    search_fields = ["stage_name", "slug", "city", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["genres", "moods", "refused_categories"]
    readonly_fields = ["verified", "verified_at", "verified_by", "audit_trail"]
    inlines = [
        RateInline,
        AudienceShareInline,
        AgeShareInline,
        MediaLinkInline,
        UnavailabilityInline,
    ]
    actions = ["verify", "unverify"]
    service_arg = "artist"
    fieldsets = [
        (None, {"fields": ["user", "stage_name", "slug", "bio", "photo"]}),
        (_("Where and what"), {"fields": ["city", "country", "languages", "genres", "moods"]}),
        (_("Audience"), {"fields": ["monthly_listeners", "followers", "engagement_rate"]}),
        (_("Values"), {"fields": ["refused_categories"]}),
        (
            _("Verification (use the list actions)"),
            {"fields": ["verified", "verified_at", "verified_by", "audit_trail"]},
        ),
    ]

    @admin.display(boolean=True, description=_("emerging"))
    def emerging(self, obj: Artist) -> bool:
        return obj.monthly_listeners < settings.AUX_EMERGING_MAX_LISTENERS

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: Artist) -> str:
        return audit_trail_html(obj)

    @admin.action(description=_("Verify the selected artists"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Artist]) -> None:
        set_verified(self, request, queryset, service=artist_set_verified, verified=True)

    @admin.action(description=_("Remove the verified mark"), permissions=["change"])
    def unverify(self, request: HttpRequest, queryset: QuerySet[Artist]) -> None:
        set_verified(self, request, queryset, service=artist_set_verified, verified=False)


@admin.register(ArtistVerificationRequest)
class ArtistVerificationRequestAdmin(VerificationRequestAdmin):
    """The queue of artists asking to be verified: staff open each link (filter on "Waiting for
    staff")."""

    list_display = ["artist", "requested_by", "status", "created_at"]
    list_select_related = ["artist", "requested_by"]
    search_fields = ["artist__stage_name", "requested_by__email"]
    decision_service = staticmethod(artist_verification_decide)
    evidence_fields = ["artist", "requested_by", "platform_links", "created_at"]

    @admin.display(description=_("links to the artist's pages"))
    def platform_links(self, obj: ArtistVerificationRequest) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", '<li>{}: <a href="{}" rel="noopener noreferrer" target="_blank">{}</a></li>',
                ((platform_of(url) or "?", url, url) for url in obj.links),
            ),
        )  # fmt: skip
