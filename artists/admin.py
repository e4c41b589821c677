from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aux.audit.admin_tools import VerificationRequestAdmin, audit_trail_html, set_verified
from aux.audit.services import audit_record
from aux.errors import ApplicationError
from aux.users.models import User

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
from .services import (
    artist_set_rates,
    artist_set_unavailability,
    artist_set_verified,
    artist_update_audience,
    artist_update_music,
)
from .verification import artist_verification_decide, platform_of


@admin.register(Genre, Mood)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "slug"]
    search_fields = ["name", "name_fr"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeliverableType)
class DeliverableTypeAdmin(TaxonomyAdmin):
    list_display = ["name", "name_fr", "slug", "description"]


class _DryRun(Exception):
    """Raised to roll back the savepoint in which a list was checked by its service."""


class ServiceFormSet(BaseInlineFormSet):
    """One of the artist's replace-all lists, written only through its profile service.

    `clean()` runs the service on the stored artist inside a savepoint that is then rolled back:
    the admin applies exactly the service's rules (shares summing to at most 1, no overlapping
    periods, no duplicate ...; one rule, one place) and shows its messages on the rows.
    `save()` runs it for real as the staff member, which records the audit event. A list whose
    rows nobody touched is not rewritten.
    """

    # Set per request by ServiceInline.get_formset.
    actor: User
    inline: "ServiceInline"

    def _kept_forms(self) -> list:
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk is not None or form.has_changed())
        ]

    def _touched(self) -> bool:
        return any(form.has_changed() or self._should_delete_form(form) for form in self.forms)

    def _write(self, artist: Artist) -> None:
        rows = [self.inline.row(form.cleaned_data) for form in self._kept_forms()]
        self.inline.write(artist=artist, actor=self.actor, rows=rows)

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None or not self._touched():
            return
        try:
            with transaction.atomic():
                self._write(Artist.objects.get(pk=self.instance.pk))
                raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as exc:
            self._show(exc.errors or {"": [exc.message]})

    def _show(self, errors: dict[str, list[str]]) -> None:
        """The service's "<list>.<i>.<field>" keys on the i-th kept row; the rest above the list."""
        kept = self._kept_forms()
        general: list[str] = []
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(kept):
                form = kept[int(parts[1])]
                form.add_error(parts[2] if parts[2] in form.fields else None, messages)
            else:
                general += messages
        if general:
            raise ValidationError(general)

    def save(self, commit: bool = True) -> list:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        if self._touched():
            self._write(self.instance)
        return []


class ServiceInline(admin.TabularInline):
    """An inline of the artist's lists: `row` turns a form's cleaned data into the service's
    input, `write` calls the service. Shown on an existing artist only (the service needs it)."""

    formset = ServiceFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        formset.inline = self
        return formset

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is not None and super().has_add_permission(request, obj)

    def row(self, data: dict) -> dict:
        raise NotImplementedError

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        raise NotImplementedError


class RateInline(ServiceInline):
    model = Rate

    def row(self, data: dict) -> dict:
        return {
            "deliverable_type": data["deliverable_type"].slug,
            "min_fee": data["min_fee"],
            "currency": data["currency"],
        }

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        artist_set_rates(artist=artist, actor=actor, rates=rows)


class AudienceShareInline(ServiceInline):
    model = AudienceShare
    verbose_name_plural = _("audience by country")

    def row(self, data: dict) -> dict:
        return {"country": data["country"], "share": data["share"]}

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        artist_update_audience(artist=artist, actor=actor, audience_countries=rows)


class AgeShareInline(ServiceInline):
    model = AgeShare
    verbose_name_plural = _("audience by age")

    def row(self, data: dict) -> dict:
        return {"bucket": data["bucket"], "share": data["share"]}

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        artist_update_audience(artist=artist, actor=actor, audience_ages=rows)


class MediaLinkInline(ServiceInline):
    model = MediaLink

    def row(self, data: dict) -> dict:
        return {"kind": data["kind"], "title": data["title"], "url": data["url"]}

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        artist_update_music(artist=artist, actor=actor, media_links=rows)


class UnavailabilityInline(ServiceInline):
    model = Unavailability

    def row(self, data: dict) -> dict:
        return {"start": data["start"], "end": data["end"], "note": data["note"]}

    def write(self, *, artist: Artist, actor: User, rows: list[dict]) -> None:
        artist_set_unavailability(artist=artist, actor=actor, unavailability=rows)


class EmergingFilter(admin.SimpleListFilter):
    """Emerging is derived (artists.models.artist_is_emerging), not stored."""

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
        (
            _("Audience"),
            {"fields": ["monthly_listeners", "followers", "engagement_rate", "first_release_year"]},
        ),
        (_("Values"), {"fields": ["refused_categories"]}),
        (
            _("Verification (use the list actions)"),
            {"fields": ["verified", "verified_at", "verified_by", "audit_trail"]},
        ),
    ]

    @admin.display(boolean=True, description=_("emerging"))
    def emerging(self, obj: Artist) -> bool:
        return obj.is_emerging

    def save_model(self, request: HttpRequest, obj: Artist, form, change: bool) -> None:
        """Staff edits of the artist's own fields are recorded in its audit trail too."""
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                actor=request.user,
                verb="artist.admin_updated",
                target=obj,
                fields=sorted(form.changed_data),
            )

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
