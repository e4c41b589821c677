"""Benchmark `import_artists`: generate a CSV of N artists and time importing it twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aux .venv/bin/python bench/import_artists.py
    .venv/bin/python bench/import_artists.py --rows 20000      # SQLite (db.sqlite3) by default

The first run creates N artists, the second updates the same N (the upsert path), both with
every column filled: genres, moods, languages, rates, audience, age buckets, media links and
unavailable dates, so the related tables get several rows per artist. The database named by
DATABASE_URL is migrated first and gets the demo taxonomy; use a throwaway one. The goal for
100,000 rows on PostgreSQL is under a minute per run.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aux.settings")
os.environ.setdefault("DEBUG", "1")  # a local benchmark, like `make run`

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from artists.importing import import_artists  # noqa: E402
from artists.models import Artist  # noqa: E402
from artists.taxonomy import DELIVERABLE_TYPES, GENRES, MOODS, taxonomy_seed  # noqa: E402
from brands.taxonomy import BRAND_CATEGORIES, brand_categories_seed  # noqa: E402

COUNTRIES = ["DE", "FR", "GB", "US", "NG", "ZA", "BR", "KR", "NL", "ES", "SE", "JP", "MX"]
BUCKETS = ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
LANGS = ["en", "de", "fr", "es", "pt", "ko", "ja", "nl", "sv"]
HEADER = [
    "slug", "stage_name", "country", "city", "bio", "genres", "moods", "languages",
    "refused_categories", "monthly_listeners", "engagement_rate", "followers", "verified",
    "rates", "audience", "ages", "media", "unavailable",
]  # fmt: skip


def ensure_taxonomy() -> tuple[list[str], list[str], list[str], list[str]]:
    taxonomy_seed()
    brand_categories_seed()
    return (
        [slugify(n) for n in GENRES],
        [slugify(n) for n in MOODS],
        [slugify(n) for n, _d in DELIVERABLE_TYPES],
        [slugify(n) for n in BRAND_CATEGORIES],
    )


def remove_earlier_run() -> None:
    """Drop the artists an earlier run imported, table by table (Django's cascading delete
    would fetch every related row first, which takes minutes at this size)."""
    from artists.importing import _Writer

    qn = connection.ops.quote_name
    artists = qn(Artist._meta.db_table)
    bench = f"SELECT id FROM {artists} WHERE slug LIKE 'bench-artist-%%'"  # noqa: S608
    with connection.cursor() as cursor:
        for _column, model, *_rest in _Writer._children():
            table = qn(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE artist_id IN ({bench})")  # noqa: S608
        cursor.execute(f"DELETE FROM {artists} WHERE id IN ({bench})")  # noqa: S608


def shares(rng: random.Random, keys: list[str], k: int) -> str:
    picked = rng.sample(keys, k)
    weights = [rng.random() for _ in picked]
    total = sum(weights) * 1.1  # leave some audience unaccounted for, as real data does
    return ";".join(f"{key}:{w / total:.4f}" for key, w in zip(picked, weights, strict=True))


def write_csv(path: Path, rows: int, taxonomy, seed: int) -> None:
    genres, moods, deliverables, _categories = taxonomy
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            listeners = int(rng.lognormvariate(10, 2)) % 5_000_000
            rates = ";".join(
                f"{d}:EUR:{rng.randrange(100, 20000) * 100}"
                for d in rng.sample(deliverables, rng.randint(1, 4))
            )
            month = rng.randint(1, 12)
            out.writerow(
                [
                    f"bench-artist-{i}",
                    f"Bench Artist {i}",
                    rng.choice(COUNTRIES),
                    "Berlin",
                    f"Bench artist number {i}. Plays **{rng.choice(genres)}** with friends.",
                    ";".join(rng.sample(genres, rng.randint(1, 3))),
                    ";".join(rng.sample(moods, rng.randint(1, 2))),
                    ";".join(rng.sample(LANGS, rng.randint(1, 2))),
                    rng.choice(["", "", "alcohol", "gambling;tobacco"]),
                    listeners,
                    f"{rng.random() / 10:.4f}",
                    f"spotify:{listeners};instagram:{rng.randrange(100000)}",
                    rng.choice(["true", "false", "false", "false"]),
                    rates,
                    shares(rng, COUNTRIES, 3),
                    shares(rng, BUCKETS, 3),
                    f"track=https://music.example.com/{i}|video=https://video.example.com/{i}",
                    f"2027-{month:02d}-01..2027-{month:02d}-10",
                ]
            )


def timed_import(path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as f:
        result = import_artists(f)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    taxonomy = ensure_taxonomy()
    remove_earlier_run()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "artists.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, taxonomy, args.seed)
        size = path.stat().st_size / 1e6
        print(
            f"database: {connection.vendor}; generated {args.rows} rows "
            f"({size:.1f} MB) in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        for label in ("create", "update (same file again)"):
            elapsed, result = timed_import(path)
            rate = result.rows / elapsed
            print(
                f"{label}: {result.rows} rows in {elapsed:.1f}s = {rate:,.0f} rows/s"
                f" ({result.created} created, {result.updated} updated, "
                f"{len(result.errors)} errors)",
                flush=True,
            )
            if result.errors:
                print("  first errors:", *result.errors[:5], sep="\n  ")


if __name__ == "__main__":
    main()
