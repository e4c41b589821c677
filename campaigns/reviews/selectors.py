"""Which reviews the public reads: double-blind, never hidden ones."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from artists.models import Artist
from brands.models import Brand

from ..bookings.models import Contract, Review, Side


def blind_period() -> timedelta:
    return timedelta(days=settings.AUX_REVIEW_BLIND_DAYS)


def reviews_published(*, now: datetime | None = None) -> QuerySet[Review]:
    """Reviews anyone may read: both sides of the contract have written theirs, or this one is
    older than AUX_REVIEW_BLIND_DAYS; staff have not hidden it. Decided at query time, so a
    review becomes public at the exact moment, with no task to run."""
    cutoff = (now or timezone.now()) - blind_period()
    other_side = Review.objects.filter(contract=OuterRef("contract")).exclude(
        author_side=OuterRef("author_side")
    )
    return Review.objects.filter(hidden_at__isnull=True).filter(
        Q(Exists(other_side)) | Q(created_at__lte=cutoff)
    )


def review_is_published(review: Review, *, now: datetime | None = None) -> bool:
    return reviews_published(now=now).filter(pk=review.pk).exists()


def reviews_of_artist(*, artist: Artist) -> QuerySet[Review]:
    """Published reviews the brands wrote about `artist`, newest first, with the brand's name."""
    return (
        reviews_published()
        .filter(contract__artist=artist, author_side=Side.BRAND)
        .select_related("contract__brand", "contract__artist")
        .order_by("-created_at", "-id")
    )


def reviews_of_brand(*, brand: Brand) -> QuerySet[Review]:
    """Published reviews the artists wrote about `brand`, newest first, with the artist's name."""
    return (
        reviews_published()
        .filter(contract__brand=brand, author_side=Side.ARTIST)
        .select_related("contract__brand", "contract__artist")
        .order_by("-created_at", "-id")
    )


def reviews_summary(reviews: QuerySet[Review]) -> dict:
    """{"count": n, "average": mean rating rounded to 0.1, or None when there is no review}."""
    got = reviews.order_by().aggregate(count=Count("id"), average=Avg("rating"))
    average = got["average"]
    return {"count": got["count"], "average": None if average is None else round(average, 1)}


def reviews_on_contract(*, contract: Contract, side: str | None) -> list[Review]:
    """What one side reads on its contract page: its own review, and the other side's once it
    is published (double-blind). Staff (side None) read both."""
    reviews = list(contract.reviews.all())
    if side is None:
        return reviews
    published = set(reviews_published().filter(contract=contract).values_list("pk", flat=True))
    return [r for r in reviews if r.author_side == side or r.pk in published]


def review_subject(review: Review) -> tuple[str, str]:
    """("artist" | "brand", slug) of the side a review is about."""
    contract = review.contract
    if review.author_side == Side.BRAND:
        return "artist", contract.artist.slug
    return "brand", contract.brand.slug


def artist_ratings(artist_filter: dict[str, Any]) -> dict[int, float]:
    """{artist id: mean rating} of the published reviews brands wrote about the artists matching
    `artist_filter` (double-blind and hidden reviews are left out, as on the public page); an
    artist without one has no rating, which the engine reads as unknown, never as a value.
    The matching snapshot reads it (registered in CampaignsConfig.ready())."""
    rows = (
        reviews_published()
        .filter(
            author_side=Side.BRAND,
            **{f"contract__artist__{k}": v for k, v in artist_filter.items()},
        )
        .order_by()
        .values("contract__artist_id")
        .annotate(mean=Avg("rating"))
        .values_list("contract__artist_id", "mean")
    )
    return {aid: float(mean) for aid, mean in rows}
