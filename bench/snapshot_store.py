"""Benchmark of the published matching snapshot (not a test): its size, publish and fetch times.

    .venv/bin/python bench/matching_db.py --port 55418 cluster start
    .venv/bin/python bench/snapshot_store.py --port 55418 --n 100000 [--json]

Builds N synthetic artists with bench/matching.py's generator (the engine only: no artist rows
needed, the arrays are what is published), then publishes the snapshot into the database as
`snapshot_build` does (SnapshotVersion and 8 MiB SnapshotPart rows, one transaction), fetches it
into an empty folder as a second node would, and maps it. The synthetic snapshot is cached in
/tmp/aux-bench-<port>/synthetic-<N> (generating 100k artists takes about a minute).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ensure_database
from matching import synth
from matching_db import django_setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=55418)
    parser.add_argument("--db", default="auxsnap")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ensure_database(args.port, args.db)
    django_setup(args)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from campaigns.briefs import snapshot_store
    from campaigns.briefs.models import SnapshotVersion
    from campaigns.matching import ArtistSnapshot

    call_command("migrate", verbosity=0)
    cache = Path(f"/tmp/aux-bench-{args.port}/synthetic-{args.n}")  # noqa: S108
    if not (cache / "CURRENT").exists():
        ArtistSnapshot.from_records(synth(args.n)).save(cache)
    snap = ArtistSnapshot.load(cache, mmap=False)
    run = Path(f"/tmp/aux-bench-{args.port}/nodes-{time.time_ns()}")  # noqa: S108

    SnapshotVersion.objects.filter(version=snap.version).delete()  # published by a previous run
    settings.AUX_SNAPSHOT_DIR = str(run / "builder")
    t0 = time.perf_counter()
    with transaction.atomic():
        snapshot_store._publish(snap, covered_since=timezone.now())
    publish_s = time.perf_counter() - t0
    row = SnapshotVersion.objects.first()

    settings.AUX_SNAPSHOT_DIR = str(run / "other-node")
    t0 = time.perf_counter()
    fetched = snapshot_store.get_snapshot()
    fetch_s = time.perf_counter() - t0
    assert fetched.version == snap.version and fetched.n_alive == args.n
    t0 = time.perf_counter()
    snapshot_store.get_snapshot()
    check_ms = (time.perf_counter() - t0) * 1000
    result = {
        "n": args.n,
        "serialized_mb": round(row.size / 1e6, 1),
        "parts": row.parts.count(),
        "publish_s (save + insert, one transaction)": round(publish_s, 2),
        "fetch_s (download + map, second node)": round(fetch_s, 2),
        "current_check_ms (already mapped)": round(check_ms, 2),
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
