"""Brand reads: a user's brands, a brand's team and invitations, with their joins done once."""

from django.db.models import Count, QuerySet
from django.utils import timezone

from aux.users.models import User

from .models import Brand, Invitation, Membership


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("brand", "brand__category")


def brands_for_user(*, user: User) -> QuerySet[Brand]:
    """The brands `user` is a member of, with the member count."""
    return (
        Brand.objects.filter(memberships__user=user)
        .select_related("category")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def brand_by_slug(*, slug: str) -> Brand | None:
    return Brand.objects.select_related("category", "verified_by").filter(slug=slug).first()


def brand_role(*, user: User, brand: Brand) -> str | None:
    """The user's role in the brand, or None for a non-member (or an anonymous visitor).

    The one lookup of a brand role: brands, campaigns (campaigns.briefs.permissions) and
    payments ask here."""
    if not user or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, brand=brand).values_list("role", flat=True).first()


def brand_roles(*, user: User) -> dict[int, str]:
    """The user's role in each of their brands, by brand id (one query for a list of brands)."""
    return dict(Membership.objects.filter(user=user).values_list("brand_id", "role"))


def brand_team(*, brand: Brand) -> QuerySet[Membership]:
    return brand.memberships.select_related("user").order_by("role", "user__email")


def brand_pending_invitations(*, brand: Brand) -> QuerySet[Invitation]:
    """Invitations that can still be accepted (not used, not revoked, not expired)."""
    return (
        Invitation.objects.filter(
            brand=brand,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("brand", "brand__category", "invited_by")
        .filter(token=token)
        .first()
    )


def invitation_state(invitation: Invitation) -> str:
    """One of "accepted", "revoked", "expired", "pending"."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"
