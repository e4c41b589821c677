from django.contrib import admin

from .models import Brief, BriefDeliverable


class BriefDeliverableInline(admin.TabularInline):
    model = BriefDeliverable
    extra = 0


@admin.register(Brief)
class BriefAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "status", "objective", "start_date", "end_date"]
    list_filter = ["status", "objective", "currency"]
    search_fields = ["title", "brand__name"]
    list_select_related = ["brand"]
    inlines = [BriefDeliverableInline]
