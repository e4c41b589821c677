from django.db.models import Prefetch, QuerySet

from brands.models import BrandCategory

from .models import Artist, DeliverableType, Genre, Mood, Rate


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


def artists_for_discovery() -> QuerySet[Artist]:
    """The base of `/artists/` and `GET /api/v1/artists/`: everything a result card shows,
    prefetched, so a page costs the same few queries whatever its size."""
    return Artist.objects.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.only("pk", "name", "slug")),
        Prefetch("moods", queryset=Mood.objects.only("pk", "name", "slug")),
        Prefetch(
            "rates",
            queryset=Rate.objects.select_related("deliverable_type").order_by("min_fee", "pk"),
        ),
    )


def artist_public_detail(*, slug: str) -> Artist:
    """One artist with everything the public profile shows. Raises Artist.DoesNotExist."""
    return (
        artists_for_discovery()
        .prefetch_related("media_links", "audience_shares", "age_shares")
        .get(slug=slug)
    )


def artist_lowest_rate(
    artist: Artist, *, deliverable: DeliverableType | None = None
) -> Rate | None:
    """The artist's lowest minimum fee (for one deliverable type if given), no query needed."""
    rates = [
        r
        for r in artist.rates.all()
        if deliverable is None or r.deliverable_type_id == deliverable.pk
    ]
    return min(rates, key=lambda r: r.min_fee, default=None)


def taxonomy() -> dict[str, QuerySet]:
    """The seeded vocabularies clients build their forms from (four queries when evaluated)."""
    return {
        "genres": Genre.objects.all(),
        "moods": Mood.objects.all(),
        "deliverable_types": DeliverableType.objects.all(),
        "brand_categories": BrandCategory.objects.all(),
    }
