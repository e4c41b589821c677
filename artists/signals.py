"""Keep the denormalised search tags (artists/search.py) in step with the genre/mood M2M tables,
and the artist's lowest fee in EUR in step with the rates.

Not a business rule: it is index maintenance, so it lives here rather than in every service that
touches genres or moods. Bulk writes that bypass the ORM's M2M managers (bulk_create on the
through tables) send no signal and call `artists_search_tags_refresh` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Artist, Genre, Mood, Rate
from .services import artists_fees_refresh, artists_search_tags_refresh


def _refresh(artist_ids) -> None:
    artists_search_tags_refresh(artist_ids=artist_ids)


@receiver(m2m_changed, sender=Artist.genres.through)
@receiver(m2m_changed, sender=Artist.moods.through)
def artist_tags_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            _refresh([instance.pk])
        return
    # genre.artists.add(...) and friends: the artists are in pk_set (or, on clear, were linked).
    if action == "pre_clear":
        instance._aux_cleared_artist_ids = list(instance.artists.values_list("pk", flat=True))
    elif action == "post_clear":
        _refresh(getattr(instance, "_aux_cleared_artist_ids", []))
    else:
        _refresh(pk_set or [])


@receiver(post_save, sender=Genre)
@receiver(post_save, sender=Mood)
def taxonomy_renamed(sender, instance, created, **kwargs) -> None:
    if not created:
        _refresh(instance.artists.values_list("pk", flat=True))


@receiver(post_save, sender=Rate)
@receiver(post_delete, sender=Rate)
def rate_changed(sender, instance, **kwargs) -> None:
    artists_fees_refresh(artist_ids=[instance.artist_id])
