from django.contrib import admin

from .models import Brand, BrandCategory, Membership


@admin.register(BrandCategory)
class BrandCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "verified", "created_at"]
    list_filter = ["verified", "category"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
