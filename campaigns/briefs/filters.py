import django_filters

from .models import Brief


class BriefFilter(django_filters.FilterSet):
    """Filters for the brief list page and `GET /api/v1/briefs/` alike."""

    status = django_filters.ChoiceFilter(choices=Brief.Status.choices)
    objective = django_filters.ChoiceFilter(choices=Brief.Objective.choices)
    brand = django_filters.CharFilter(field_name="brand__slug")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title")

    class Meta:
        model = Brief
        fields = ["status", "objective", "brand", "q"]
