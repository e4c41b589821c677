from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch

from aux.users.models import User
from aux.utils import unique_slug

from .models import Artist, Genre, Mood


@transaction.atomic
def artist_create(*, user: User | None, stage_name: str, **fields) -> Artist:
    """Create an artist profile (claimed by `user`, or unclaimed when None) with a unique slug."""
    artist = Artist(
        user=user, stage_name=stage_name.strip(), slug=unique_slug(Artist, stage_name), **fields
    )
    artist.full_clean()
    artist.save()
    return artist


def artists_search_tags_refresh(*, artist_ids: Iterable[int] | None = None) -> int:
    """Rewrite `Artist.search_tags` (genre and mood names) for these artists, or all when None.

    Full-text search reads the tags from the artist row (see artists/search.py). Saving genres
    or moods through the ORM's `.set()/.add()/.remove()/.clear()` refreshes them automatically
    (artists/signals.py); bulk paths that write the M2M tables directly (imports, seed_demo) must
    call this once at the end. Two queries per 2,000 artists plus the bulk update.
    """
    qs = Artist.objects.order_by("pk").only("pk", "search_tags")
    if artist_ids is not None:
        qs = qs.filter(pk__in=list(artist_ids))
    qs = qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.only("pk", "name")),
        Prefetch("moods", queryset=Mood.objects.only("pk", "name")),
    )
    changed: list[Artist] = []
    for artist in qs.iterator(chunk_size=2000):
        tags = " ".join(
            [g.name for g in artist.genres.all()] + [m.name for m in artist.moods.all()]
        )
        if artist.search_tags != tags:
            artist.search_tags = tags
            changed.append(artist)
    Artist.objects.bulk_update(changed, ["search_tags"], batch_size=1000)
    return len(changed)
