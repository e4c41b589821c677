from django.contrib import admin

from .models import Artist, DeliverableType, Genre, Mood, Rate, Unavailability


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


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["stage_name", "country", "monthly_listeners", "verified", "user"]
    list_filter = ["verified", "country", "genres"]
    search_fields = ["stage_name", "slug", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["genres", "moods", "refused_categories"]
    inlines = [RateInline, UnavailabilityInline]
