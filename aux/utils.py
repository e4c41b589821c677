from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Path segments that sit beside `<slug>/` in our URLs (/artists/dashboard/, /brands/invitations/,
# /api/v1/artists/me/ ...): an artist or a brand must never get one of them, or its page would be
# unreachable. The one list: unique_slug avoids it (sign-up, creation) and the models' slug fields
# refuse it (the admin).
RESERVED_SLUGS = frozenset(
    {"me", "new", "dashboard", "settings", "invitations", "export", "api", "admin", "edit"}
)


def validate_slug_not_reserved(value: str) -> None:
    """Refuse a slug our URLs use for pages of their own (RESERVED_SLUGS)."""
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for a page of the site; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


def unique_slug(model: type[Model], text: str, *, field: str = "slug", max_length: int = 60) -> str:
    """A slug for `text` that no row of `model` uses yet (`name`, `name-2`, `name-3` ...)."""
    base = slugify(text)[: max_length - 6] or "item"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model._default_manager.filter(**{field: slug}).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
