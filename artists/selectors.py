from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from brands.models import BrandCategory

from .models import Artist, DeliverableType, Genre, Mood, Rate
from .search import artist_fee_in_eur


def artists_featured(*, limit: int = 8) -> list[Artist]:
    """Landing-page picks: verified artists with the largest audience, and as many emerging ones.

    Half the slots always go to emerging artists, the platform's promise to them.
    """
    base = (
        Artist.objects.listed()
        .prefetch_related("genres")
        .order_by("-verified", "-monthly_listeners")
    )
    emerging = list(base.emerging()[: limit // 2])
    established = list(base.established()[: limit - len(emerging)])
    return established + emerging


def artists_with_profile(*, queryset: QuerySet[Artist] | None = None) -> QuerySet[Artist]:
    qs = queryset if queryset is not None else Artist.objects.all()
    return qs.prefetch_related("genres", "moods", "rates__deliverable_type")


def artists_for_discovery() -> QuerySet[Artist]:
    """The base of `/artists/` and `GET /api/v1/artists/`: everything a result card shows,
    prefetched, so a page costs the same few queries whatever its size."""
    return Artist.objects.listed().prefetch_related(
        Prefetch("genres", queryset=Genre.objects.only("pk", "name", "name_fr", "slug")),
        Prefetch("moods", queryset=Mood.objects.only("pk", "name", "name_fr", "slug")),
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
    """The artist's lowest minimum fee (for one deliverable type if given), currencies compared
    after conversion; no query needed."""
    rates = [
        r
        for r in artist.rates.all()
        if deliverable is None or r.deliverable_type_id == deliverable.pk
    ]
    return min(rates, key=lambda r: artist_fee_in_eur(r.min_fee, r.currency), default=None)


def taxonomy() -> dict[str, QuerySet]:
    """The seeded vocabularies clients build their forms from (four queries when evaluated)."""
    return {
        "genres": Genre.objects.all(),
        "moods": Mood.objects.all(),
        "deliverable_types": DeliverableType.objects.all(),
        "brand_categories": BrandCategory.objects.all(),
    }


def artist_profile(*, queryset: QuerySet[Artist] | None = None) -> QuerySet[Artist]:
    """Artists with everything the public page, the dashboard and the own-profile API show,
    in a fixed number of queries."""
    qs = queryset if queryset is not None else Artist.objects.all()
    return qs.select_related("user").prefetch_related(
        "genres",
        "moods",
        "refused_categories",
        "media_links",
        "audience_shares",
        "age_shares",
        "unavailabilities",
        Prefetch("rates", queryset=Rate.objects.select_related("deliverable_type")),
    )


def artist_profile_for_user(*, user) -> Artist | None:
    """The signed-in user's own artist profile (fully prefetched), or None."""
    if not user.is_authenticated:
        return None
    return artist_profile().filter(user=user).first()


# What the completeness meter counts, in the order the dashboard sections show them.
COMPLETENESS_ITEMS: tuple[tuple[str, str], ...] = (
    ("photo", _("a photo")),
    ("bio", _("a bio")),
    ("location", _("your city and country")),
    ("languages", _("the languages you perform in")),
    ("genres", _("your genres")),
    ("moods", _("your moods")),
    ("media_links", _("links to your music or videos")),
    ("monthly_listeners", _("your monthly listeners")),
    ("followers", _("your followers per platform")),
    ("audience_countries", _("where your audience lives")),
    ("audience_ages", _("your audience's ages")),
    ("rates", _("your rates")),
)


def profile_completeness(artist: Artist) -> tuple[int, list[str]]:
    """(percent complete, human-readable list of what is missing). Uses prefetched relations
    when the artist came from `artist_profile()`; otherwise one small query per relation."""
    present = {
        "photo": bool(artist.photo),
        "bio": bool(artist.bio.strip()),
        "location": bool(artist.city and artist.country),
        "languages": bool(artist.languages),
        "genres": bool(artist.genres.all()),
        "moods": bool(artist.moods.all()),
        "media_links": bool(artist.media_links.all()),
        "monthly_listeners": artist.monthly_listeners > 0,
        "followers": any(artist.followers.values()) if artist.followers else False,
        "audience_countries": bool(artist.audience_shares.all()),
        "audience_ages": bool(artist.age_shares.all()),
        "rates": bool(artist.rates.all()),
    }
    missing = [str(label) for key, label in COMPLETENESS_ITEMS if not present[key]]
    percent = round(100 * (len(COMPLETENESS_ITEMS) - len(missing)) / len(COMPLETENESS_ITEMS))
    return percent, missing
