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
