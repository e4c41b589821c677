import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Brief


class BriefFilter(django_filters.FilterSet):
    """Filters for the brief list page and `GET /api/v1/briefs/` alike."""

    status = django_filters.ChoiceFilter(choices=Brief.Status.choices, label=_("Status"))
    objective = django_filters.ChoiceFilter(choices=Brief.Objective.choices, label=_("Objective"))
    # The API's (by the brand's slug); the page lists the user's own brands' briefs anyway.
    brand = django_filters.CharFilter(field_name="brand__slug", label=_("Brand"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title"))

    class Meta:
        model = Brief
        fields = ["status", "objective", "brand", "q"]
