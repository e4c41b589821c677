from django.db.models import Model
from django.utils.text import slugify


def unique_slug(model: type[Model], text: str, *, field: str = "slug", max_length: int = 60) -> str:
    """A slug for `text` that no row of `model` uses yet (`name`, `name-2`, `name-3` ...)."""
    base = slugify(text)[: max_length - 6] or "item"
    slug, n = base, 1
    while model._default_manager.filter(**{field: slug}).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
