from django.db import transaction

from aux.users.models import User
from aux.utils import unique_slug

from .models import Artist


@transaction.atomic
def artist_create(*, user: User | None, stage_name: str, **fields) -> Artist:
    """Create an artist profile (claimed by `user`, or unclaimed when None) with a unique slug."""
    artist = Artist(
        user=user, stage_name=stage_name.strip(), slug=unique_slug(Artist, stage_name), **fields
    )
    artist.full_clean()
    artist.save()
    return artist
