from django.db import transaction

from aux.users.models import User
from aux.utils import unique_slug

from .models import Brand, BrandCategory, Membership


@transaction.atomic
def brand_create(*, owner: User, name: str, category: BrandCategory | None = None) -> Brand:
    """Create a brand with `owner` as its first owner member. A brand always has an owner."""
    brand = Brand(name=name.strip(), slug=unique_slug(Brand, name), category=category)
    brand.full_clean()
    brand.save()
    Membership.objects.create(user=owner, brand=brand, role=Membership.Role.OWNER)
    return brand
