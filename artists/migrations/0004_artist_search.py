"""Full-text search for discovery: denormalised tags + a GIN index (PostgreSQL only).

The index is created by RunPython rather than declared in Artist.Meta.indexes: SQLite (the demo
database) has no GIN indexes and would try to recreate it whenever a later migration rebuilds the
artist table. Its expression must stay identical to artists.search.artist_search_vector(), or
PostgreSQL will not use it (tests/artists/test_discovery.py checks the plan).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models


def _index() -> GinIndex:
    return GinIndex(
        SearchVector("stage_name", weight="A", config="simple")
        + SearchVector("search_tags", weight="B", config="simple")
        + SearchVector("bio", weight="C", config="simple"),
        name="artist_search_gin",
    )


def fill_tags(apps, schema_editor):
    Artist = apps.get_model("artists", "Artist")
    batch = []
    for artist in Artist.objects.prefetch_related("genres", "moods").iterator(chunk_size=2000):
        artist.search_tags = " ".join(
            [g.name for g in artist.genres.all()] + [m.name for m in artist.moods.all()]
        )
        batch.append(artist)
    Artist.objects.bulk_update(batch, ["search_tags"], batch_size=1000)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("artists", "Artist"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("artists", "Artist"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0003_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="artist",
            name="search_tags",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_tags, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
