"""`manage.py seed_taxonomy`: load the genres, moods, deliverable types and brand categories."""

from django.core.management.base import BaseCommand

from artists.taxonomy import taxonomy_seed
from brands.taxonomy import brand_categories_seed


class Command(BaseCommand):
    help = (
        "Create the standard genres, moods, deliverable types and brand categories that are "
        "missing (matched by slug). Idempotent; never renames or deletes existing entries. "
        "For a production database; the demo (seed_demo) loads the same lists."
    )

    def handle(self, *args, **options) -> None:
        seeded = taxonomy_seed()
        categories, new_categories = brand_categories_seed()
        created = seeded.created + new_categories
        self.stdout.write(
            self.style.SUCCESS(
                f"Taxonomy ready: {len(seeded.genres)} genres, {len(seeded.moods)} moods, "
                f"{len(seeded.deliverables)} deliverable types, {len(categories)} brand "
                f"categories ({created} created)."
            )
        )
