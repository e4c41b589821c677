"""Reads of briefs and matches, with their query optimisation."""

from django.db.models import Q, QuerySet

from aux.users.models import User

from .models import Brief, Match


def briefs_visible_to(*, user: User) -> QuerySet[Brief]:
    """Staff see every brief; others their brands' briefs and the published public ones."""
    qs = Brief.objects.select_related("brand", "brand__category").prefetch_related(
        "genres", "moods", "deliverables__deliverable_type"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    public = Q(
        visibility=Brief.Visibility.PUBLIC,
        status__in=[Brief.Status.PUBLISHED, Brief.Status.CLOSED],
    )
    return qs.filter(public | Q(brand__memberships__user=user)).distinct()


def brief_matches(*, brief: Brief) -> QuerySet[Match]:
    return (
        Match.objects.filter(brief=brief)
        .select_related("artist")
        .prefetch_related("artist__genres")
        .order_by("rank")
    )


def top_briefs_for_artist(*, artist_id: int, max_rank: int, limit: int = 10) -> QuerySet[Match]:
    """Published public briefs where the artist ranks in the top `max_rank`, best rank first."""
    return (
        Match.objects.filter(
            artist_id=artist_id,
            rank__lte=max_rank,
            brief__status=Brief.Status.PUBLISHED,
            brief__visibility=Brief.Visibility.PUBLIC,
        )
        .select_related("brief", "brief__brand")
        .order_by("rank", "-brief__published_at")[:limit]
    )
