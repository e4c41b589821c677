"""Full-text search reads a stored tsvector instead of computing one per row (PostgreSQL only).

Migration 0004 indexed the expression `setweight(to_tsvector(stage_name), A) || ... (bio), C)`.
The GIN index finds the matching rows, but ranking them (`ts_rank`) and the index recheck need
the document itself, so PostgreSQL parsed the stage name, tags and bio of every matching artist
on every search: with 100,000 artists a common word ("dark", "house": 10-20k matches) cost
100-200 ms of CPU per request (bench/load.py, bench/README.md "Load"). Now the document is a
generated column, computed when a row is written, and the GIN index is on that column (same
index name). Not a model field: SQLite (the demo database) has neither tsvector nor GIN, and
Django never writes a generated column; artists.search reads it on PostgreSQL only.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(stage_name, '')::text), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(search_tags, '')::text), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(bio, '')::text), 'C')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS artist_search_gin")
    schema_editor.execute(
        "ALTER TABLE artists_artist ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX artist_search_gin ON artists_artist USING gin (search_vector)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE artists_artist DROP COLUMN search_vector")  # and its index
    schema_editor.execute(
        f"CREATE INDEX artist_search_gin ON artists_artist USING gin (({DOCUMENT}))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0004_artist_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
