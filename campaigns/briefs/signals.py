"""Keep the matching snapshot in step with artist data, whichever code path changed it.

Related rows (rates, audience, availability, tags) touch the artist's `updated_at`, which is what
the incremental snapshot refresh reads. Bulk paths (the CSV import) bypass model signals and
announce `artists.hooks.artists_bulk_changed` after their commit instead.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from artists.hooks import artists_bulk_changed
from artists.models import AgeShare, Artist, AudienceShare, Rate, Unavailability

from .matching_service import artists_changed

RELATED = (Rate, AudienceShare, AgeShare, Unavailability)


def _touch(artist_id: int | None) -> None:
    if artist_id is not None:
        Artist.objects.filter(pk=artist_id).update(updated_at=timezone.now())
    artists_changed()


@receiver(post_save, sender=Artist)
@receiver(post_delete, sender=Artist)
def artist_saved(sender, instance: Artist, **kwargs) -> None:
    artists_changed()


def related_saved(sender, instance, **kwargs) -> None:
    _touch(instance.artist_id)


for model in RELATED:
    post_save.connect(related_saved, sender=model, dispatch_uid=f"matching-{model.__name__}-save")
    post_delete.connect(related_saved, sender=model, dispatch_uid=f"matching-{model.__name__}-del")


def tags_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        _touch(instance.pk)


for through in (Artist.genres.through, Artist.moods.through, Artist.refused_categories.through):
    m2m_changed.connect(tags_changed, sender=through, dispatch_uid=f"matching-{through.__name__}")


@receiver(artists_bulk_changed)
def artists_bulk_written(sender, count: int, **kwargs) -> None:
    artists_changed()
