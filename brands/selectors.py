from django.db.models import QuerySet

from aux.users.models import User

from .models import Brand, Membership


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("brand", "brand__category")


def brand_team(*, brand: Brand) -> QuerySet[Membership]:
    return brand.memberships.select_related("user").order_by("role", "user__email")
