"""Forgiving search (issues 17 and 20): accents, typos, stemming, fees converted.

PostgreSQL only (SQLite, the demo, folds and compares in Python: artists/search.py):
- the `unaccent` and `pg_trgm` extensions (both "trusted": the database owner may create them);
- `aux_fold(text)`: lower(unaccent(text)), declared IMMUTABLE so that a generated column and an
  index may use it (unaccent() itself is only STABLE because its dictionary could change; we
  name the dictionary explicitly, the usual way to make the wrapper safe);
- `search_vector` regenerated from folded text: stage name (A), tags and city (B), bio (C), and
  the bio stemmed in English and French (D); its GIN index keeps the name `artist_search_gin`;
- `search_name`: aux_fold(stage_name), a stored generated column, and `artist_name_trgm`, a trigram
  GIN index on it for typo-tolerant names.

Both: `lowest_fee_eur` (filled here from the rates, converted with AUX_FX_RATES) and its index.
"""

from django.conf import settings
from django.db import migrations, models

DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, aux_fold(COALESCE(stage_name, ''))), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, "
    "aux_fold(COALESCE(search_tags, '') || ' ' || COALESCE(city, ''))), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, aux_fold(COALESCE(bio, ''))), 'C') || "
    "setweight(to_tsvector('english'::regconfig, aux_fold(COALESCE(bio, ''))), 'D') || "
    "setweight(to_tsvector('french'::regconfig, aux_fold(COALESCE(bio, ''))), 'D')"
)
OLD_DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(stage_name, '')::text), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(search_tags, '')::text), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(bio, '')::text), 'C')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS unaccent")
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]
    run(
        "CREATE OR REPLACE FUNCTION aux_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$"
    )
    run("ALTER TABLE artists_artist DROP COLUMN search_vector")  # and its index
    run(
        "ALTER TABLE artists_artist ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    run("CREATE INDEX artist_search_gin ON artists_artist USING gin (search_vector)")
    # The folded stage name, stored: ranking compares it (exact match, similarity) on every
    # matching row, and unaccent per row cost ~1 s for a query matching 100,000 artists.
    run(
        "ALTER TABLE artists_artist ADD COLUMN search_name text "
        "GENERATED ALWAYS AS (aux_fold(stage_name)) STORED"
    )
    run("CREATE INDEX artist_name_trgm ON artists_artist USING gin (search_name gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("ALTER TABLE artists_artist DROP COLUMN search_name")  # and artist_name_trgm
    run("ALTER TABLE artists_artist DROP COLUMN search_vector")
    run(
        "ALTER TABLE artists_artist ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({OLD_DOCUMENT}) STORED"
    )
    run("CREATE INDEX artist_search_gin ON artists_artist USING gin (search_vector)")
    run("DROP FUNCTION aux_fold(text)")


def fill_fees(apps, schema_editor):
    from aux.money import convert

    Artist = apps.get_model("artists", "Artist")
    Rate = apps.get_model("artists", "Rate")
    lowest: dict[int, int] = {}
    for artist_id, fee, currency in Rate.objects.values_list("artist_id", "min_fee", "currency"):
        eur = convert(fee, currency, "EUR")
        if artist_id not in lowest or eur < lowest[artist_id]:
            lowest[artist_id] = eur
    batch = [Artist(pk=pk, lowest_fee_eur=fee) for pk, fee in lowest.items()]
    Artist.objects.bulk_update(batch, ["lowest_fee_eur"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("artists", "0010_alter_artist_photo"),
        ("brands", "0005_brandverificationrequest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="artist",
            name="lowest_fee_eur",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="artist",
            index=models.Index(
                fields=["lowest_fee_eur", "-monthly_listeners", "id"], name="artist_fee_sort_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="artist",
            index=models.Index(fields=["country", "-monthly_listeners"], name="artist_country_idx"),
        ),
        migrations.RunPython(fill_fees, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
