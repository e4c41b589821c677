"""Benchmark the database side of matching: snapshot from PostgreSQL, and the matches API.

Prints numbers; it is not a timed test. Run it against a throwaway PostgreSQL cluster that this
script starts on loopback (like scripts/test.sh: initdb -A trust, fsync=off, its own port):

    .venv/bin/python bench/matching_db.py cluster start --port 55418
    .venv/bin/python bench/matching_db.py --port 55418 --db aux100k load --n 100000
    .venv/bin/python bench/matching_db.py --port 55418 --db aux100k snapshot [--json]
    .venv/bin/python bench/matching_db.py --port 55418 --db aux100k api [--requests 200] [--json]
    .venv/bin/python bench/matching_db.py cluster stop --port 55418

`load` generates N artists with the same generator as bench/import_artists.py (every column
filled, ~17 related rows per artist) and imports them with `import_artists` in chunks of 50,000
(one transaction each); running it again tops the database up to N. `snapshot` times
`snapshot_build()` in a fresh process and reports its peak RSS, then changes 1,000 artists and
times `snapshot_refresh()`. `api` creates (once) a brand, a brand owner with an API token and a
published brief, times `matches_recompute` for it, then starts gunicorn on 127.0.0.1 against the
same database and times `GET /api/v1/briefs/{id}/matches/` sequentially and at a small
concurrency. Every line of numbers carries the load average of the machine at that moment.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    ensure_database,
    gunicorn_start,
    load_average,
    load_bench_artists,
    percentile,
    pg_start,
    pg_stop,
    stop_group,
)

BENCH_ARTISTS = 1000  # how many artists `snapshot` changes before timing the refresh


def cpu_seconds() -> float:
    """CPU time of this process (user + system): less sensitive to the machine's load than
    wall time (PostgreSQL's own work is in its server processes, not counted here)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 1)


def rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(args: argparse.Namespace, record: dict) -> None:
    record = {**record, "load_avg": load_average()}
    if args.json:
        print(json.dumps(record), flush=True)
    else:
        print("  ".join(f"{k}={v}" for k, v in record.items()), flush=True)


# --- the throwaway cluster -----------------------------------------------------------------------


def cluster(args: argparse.Namespace) -> None:
    run_dir = Path(args.run_dir or f"/tmp/aux-bench-{args.port}")  # noqa: S108
    if args.action == "stop":
        pg_stop(run_dir)
        print(f"stopped and removed {run_dir}")
        return
    pg_start(run_dir, args.port)
    print(f"PostgreSQL on 127.0.0.1:{args.port}, data in {run_dir}")


# --- Django against the bench database -----------------------------------------------------------


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    snapshot_dir = Path(f"/tmp/aux-bench-{args.port}/snapshot-{args.db}")  # noqa: S108
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.port}/{args.db}",
        "AUX_SNAPSHOT_DIR": str(snapshot_dir),
        "DJANGO_SETTINGS_MODULE": "aux.settings",
        "LOG_LEVEL": "WARNING",
    }


def django_setup(args: argparse.Namespace) -> None:
    os.environ.update(bench_env(args))
    os.environ.pop("REDIS_URL", None)  # no broker: nothing here should queue a task
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(args: argparse.Namespace) -> None:
    ensure_database(args.port, args.db)
    django_setup(args)
    from django.core.management import call_command

    from artists.models import Artist

    call_command("migrate", verbosity=0)
    load_bench_artists(args.n, chunk=args.chunk, seed=args.seed)
    print(f"{Artist.objects.count()} artists in {args.db}")


# --- snapshot ------------------------------------------------------------------------------------


def snapshot(args: argparse.Namespace) -> None:
    """Each measurement runs in its own process, so its peak RSS is its own."""
    for step in (["records"] if args.records else []) + ["build", "refresh"]:
        out = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            [PYTHON, __file__, "--port", str(args.port), "--db", args.db, "_snapshot", step],
            check=True,
            capture_output=True,
            text=True,
            env=bench_env(args),
        )
        emit(args, json.loads(out.stdout.strip().splitlines()[-1]))


def _snapshot_step(args: argparse.Namespace) -> None:
    django_setup(args)
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from artists.models import Artist
    from campaigns.briefs import snapshot_store

    if args.step != "refresh":
        call_command("migrate", verbosity=0)  # the models may have moved on since `load`
    n = Artist.objects.count()
    if args.step == "records":
        # Reading every artist as Python records at once: what the build avoids (memory).
        t0 = time.perf_counter()
        records = snapshot_store.artist_records()
        result = {
            "step": "artist_records_all",
            "n": n,
            "records": len(records),
            "seconds": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": rss_mb(),
        }
    elif args.step == "build":
        baseline = rss_mb()
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        snap = snapshot_store.snapshot_build()
        build_s = time.perf_counter() - t0
        size = sum(a.nbytes for a in snap.arrays.values()) / 1e6
        result = {
            "step": "snapshot_build",
            "n": n,
            "snapshot_build_s": round(build_s, 2),
            "cpu_s": round(cpu_seconds() - cpu0, 1),
            "snapshot_mb": round(size, 1),
            "rss_before_mb": baseline,
            "peak_rss_mb": rss_mb(),
        }
    else:
        snapshot_store.get_snapshot()  # map the current version first, as a worker would
        ids = list(Artist.objects.values_list("id", flat=True).order_by("?")[:BENCH_ARTISTS])
        Artist.objects.filter(id__in=ids).update(
            monthly_listeners=F("monthly_listeners") + 1, updated_at=timezone.now()
        )
        t0 = time.perf_counter()
        changed = snapshot_store.snapshot_refresh()
        result = {
            "step": "snapshot_refresh",
            "n": n,
            "changed": changed,
            "snapshot_refresh_s": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": rss_mb(),
        }
    print(json.dumps(result))


# --- the matches API -----------------------------------------------------------------------------

EMAIL = "bench-owner@example.com"
PASSWORD = "bench-password-not-secret"  # noqa: S105 (throwaway cluster)


def _bench_brief() -> int:
    """A published brief of a bench brand, created once (no services: no audit, no tasks)."""
    from datetime import date, timedelta

    from artists.models import DeliverableType, Genre, Mood
    from aux.users.models import User
    from brands.models import Brand, BrandCategory, Membership
    from campaigns.briefs.models import Brief, BriefDeliverable

    user = User.objects.filter(email=EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=EMAIL, password=PASSWORD, name="Bench Owner", role=User.Role.BRAND
        )
    brand, _ = Brand.objects.get_or_create(
        slug="bench-brand",
        defaults={"name": "Bench Brand", "category": BrandCategory.objects.order_by("pk").first()},
    )
    Membership.objects.get_or_create(user=user, brand=brand, defaults={"role": "owner"})
    brief = Brief.objects.filter(brand=brand, title="Bench festival tour").first()
    if brief is None:
        today = date.today()
        brief = Brief.objects.create(
            brand=brand,
            title="Bench festival tour",
            description="Festival stages across Europe with social posts around each show.",
            objective=Brief.Objective.LIVE_EVENT,
            territories=["DE", "FR", "GB"],
            age_min=18,
            age_max=34,
            budget_min=500_000,
            budget_max=5_000_000,
            currency="EUR",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=90),
            status=Brief.Status.PUBLISHED,
            published_at=datetime_now(),
        )
        for dtype in DeliverableType.objects.order_by("pk")[:2]:
            BriefDeliverable.objects.create(brief=brief, deliverable_type=dtype, quantity=1)
        brief.genres.set(Genre.objects.order_by("pk")[:3])
        brief.moods.set(Mood.objects.order_by("pk")[:2])
    return brief.pk


def datetime_now():
    from django.utils import timezone

    return timezone.now()


def _request(port: int, path: str, token: str) -> tuple[float, int, int]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed * 1000, response.status, len(body)


def _latencies(args, label: str, values: list[float], statuses: set[int], extra: dict) -> None:
    emit(
        args,
        {
            "step": label,
            **extra,
            "requests": len(values),
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "statuses": sorted(statuses),
        },
    )


def api(args: argparse.Namespace) -> None:
    django_setup(args)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from artists.models import Artist
    from aux.users.models import User
    from campaigns.briefs import matching_service, snapshot_store
    from campaigns.briefs.models import Brief

    call_command("migrate", verbosity=0)  # the models may have moved on since `load`
    n = Artist.objects.count()
    brief_id = _bench_brief()
    brief = Brief.objects.get(pk=brief_id)
    if snapshot_store.get_snapshot() is None:  # built once if missing (timed by `snapshot`)
        snapshot_store.snapshot_build()
    times = []
    for _ in range(args.recompute_runs):
        t0 = time.perf_counter()
        stored = matching_service.matches_recompute(brief=brief)
        times.append((time.perf_counter() - t0) * 1000)
    emit(
        args,
        {
            "step": "matches_recompute",
            "n": n,
            "stored": stored,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
        },
    )

    user = User.objects.get(email=EMAIL)
    token = Token.objects.get_or_create(user=user)[0].key
    path = f"/api/v1/briefs/{brief_id}/matches/"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    emit(
        args,
        {
            "step": "api_queries",
            "n": n,
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
        },
    )

    env = {
        **bench_env(args),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
    }
    env.pop("REDIS_URL", None)
    server = gunicorn_start(env, port=args.http_port, workers=args.workers, verbose=args.verbose)
    try:
        # Obtain the token over HTTP too, as an integrator would (and check the endpoint works).
        for _ in range(100):
            try:
                conn = HTTPConnection("127.0.0.1", args.http_port, timeout=5)
                conn.request(
                    "POST",
                    "/api/v1/auth/token/",
                    body=json.dumps({"email": EMAIL, "password": PASSWORD}),
                    headers={"Content-Type": "application/json"},
                )
                reply = conn.getresponse()
                token = json.loads(reply.read())["token"]
                break
            except (ConnectionError, OSError):
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not come up")
        for _ in range(args.workers * 10):  # warm every worker: imports, snapshot map, connections
            _request(args.http_port, path, token)
        values, statuses = [], set()
        for _ in range(args.requests):
            ms, status, size = _request(args.http_port, path, token)
            values.append(ms)
            statuses.add(status)
        _latencies(
            args,
            "api_sequential",
            values,
            statuses,
            {"n": n, "workers": args.workers, "bytes": size},
        )

        values, statuses = [], set()
        lock = threading.Lock()

        def client_loop() -> None:
            for _ in range(args.requests // args.concurrency):
                ms, status, _size = _request(args.http_port, path, token)
                with lock:
                    values.append(ms)
                    statuses.add(status)

        threads = [threading.Thread(target=client_loop) for _ in range(args.concurrency)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        _latencies(
            args,
            "api_concurrent",
            values,
            statuses,
            {
                "n": n,
                "workers": args.workers,
                "concurrency": args.concurrency,
                "throughput_rps": round(len(values) / wall, 1),
            },
        )
    finally:
        stop_group(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=55418, help="the bench cluster's port")
    parser.add_argument("--db", default="aux_bench", help="database name in the bench cluster")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cluster", help="start or stop the throwaway PostgreSQL cluster")
    p.add_argument("action", choices=["start", "stop"])
    p.add_argument("--run-dir")
    p = sub.add_parser("load", help="generate and import artists up to N")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--chunk", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=7)
    p = sub.add_parser("snapshot", help="time snapshot_build and snapshot_refresh")
    p.add_argument("--records", action="store_true", help="also time artist_records() of all")
    p = sub.add_parser("_snapshot")
    p.add_argument("step", choices=["records", "build", "refresh"])
    p = sub.add_parser("api", help="time matches_recompute and the matches API through gunicorn")
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--http-port", type=int, default=58418)
    p.add_argument("--recompute-runs", type=int, default=5)
    p.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    commands = {
        "cluster": cluster,
        "load": load,
        "snapshot": snapshot,
        "_snapshot": _snapshot_step,
        "api": api,
    }
    commands[args.command](args)


if __name__ == "__main__":
    main()
