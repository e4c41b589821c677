"""One FilterSet for the notification list page and the API (`?unread=true`)."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Notification


class NotificationFilter(django_filters.FilterSet):
    # Only "true" or "false" (blank: no filter); a BooleanFilter would read any other value
    # as "unknown" and quietly list everything.
    unread = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        method="filter_unread",
        label="Unread only",
        help_text="true: only unread ones.",
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_unread(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(read_at__isnull=value)
