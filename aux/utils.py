from django.db.models import Model
from django.utils.text import slugify

# Path segments that sit beside `<slug>/` in our URLs (/artists/dashboard/, /api/v1/artists/me/
# ...): a profile must never get one of them, or its page would be unreachable.
RESERVED_SLUGS = frozenset(
    {"me", "new", "dashboard", "settings", "invitations", "export", "api", "admin", "edit"}
)


def unique_slug(model: type[Model], text: str, *, field: str = "slug", max_length: int = 60) -> str:
    """A slug for `text` that no row of `model` uses yet (`name`, `name-2`, `name-3` ...)."""
    base = slugify(text)[: max_length - 6] or "item"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model._default_manager.filter(**{field: slug}).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
