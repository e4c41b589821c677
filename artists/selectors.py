from django.db.models import QuerySet

from .models import Artist


def artists_featured(*, limit: int = 8) -> list[Artist]:
    """Landing-page picks: verified artists with the largest audience, and as many emerging ones.

    Half the slots always go to emerging artists, the platform's promise to them.
    """
    base = Artist.objects.prefetch_related("genres").order_by("-verified", "-monthly_listeners")
    emerging = list(base.emerging()[: limit // 2])
    established = list(base.established()[: limit - len(emerging)])
    return established + emerging


def artists_with_profile(*, queryset: QuerySet[Artist] | None = None) -> QuerySet[Artist]:
    qs = queryset if queryset is not None else Artist.objects.all()
    return qs.prefetch_related("genres", "moods", "rates__deliverable_type")
