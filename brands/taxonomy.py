"""The brand categories every installation starts with (artists may refuse some).

Used by `manage.py seed_taxonomy` and the demo; adds the missing ones by slug, never renames."""

from django.db import transaction
from django.utils.text import slugify

from aux.translated_names import fill_french_names

from .models import BrandCategory

BRAND_CATEGORIES = [
    "Alcohol", "Automotive", "Beauty", "Beverages", "Fashion", "Finance", "Food", "Gambling",
    "Gaming", "Sports", "Tech", "Tobacco", "Travel",
]  # fmt: skip

BRAND_CATEGORIES_FR = {
    "alcohol": "Alcool", "automotive": "Automobile", "beauty": "Beauté", "beverages": "Boissons",
    "fashion": "Mode", "food": "Alimentation", "gambling": "Jeux d’argent",
    "gaming": "Jeux vidéo", "sports": "Sport", "tech": "Technologie", "tobacco": "Tabac",
    "travel": "Voyage",
}  # fmt: skip


@transaction.atomic
def brand_categories_seed() -> tuple[dict[str, BrandCategory], int]:
    """Create the missing brand categories; returns them all by slug and how many were new."""
    out, created = {}, 0
    for name in BRAND_CATEGORIES:
        obj, new = BrandCategory.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        out[obj.slug] = obj
        created += new
    fill_french_names(BrandCategory, BRAND_CATEGORIES_FR)
    return out, created
