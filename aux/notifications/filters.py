"""One FilterSet for the notification list page and the API (`?unread=true`)."""

import django_filters

from .models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="filter_unread", label="Unread only", help_text="true: only unread ones."
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
