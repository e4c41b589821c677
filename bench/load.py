"""HTTP load test: gunicorn + PostgreSQL + Redis with the demo scaled to 100,000 artists.

    .venv/bin/python bench/load.py                 # 100k artists; 10, 25, 50 users, 30 s each
    .venv/bin/python bench/load.py --quick         # smoke: 5,000 artists, 5 and 10 users, 8 s
    .venv/bin/python bench/load.py --users 10 25 50 100 --duration 60 --json

It starts its own PostgreSQL cluster (127.0.0.1:55701, initdb -A trust, fsync=off, data in
/tmp/aux-bench-55701) and Redis (127.0.0.1:63701); `--keep` leaves both running so that the next
run skips the data loading (everything below is idempotent). Then, in a separate process: migrate,
collectstatic, `seed_demo` (the fake Stripe is not started: payments are skipped), bench artists
up to --artists in all (bench/import_artists.py's generator via bench/_common.py), the matching
snapshot and the matches of every published brief, a user account for each matched artist (offers
go to claimed profiles only), and an API token and a session for each brand owner and manager.

gunicorn (sync workers, DEBUG=0, CONN_MAX_AGE=60) serves the site; locust (as a library, one
process, FastHttpUser) runs each user count for --warmup + --duration seconds and measures the
last --duration. Every simulated user waits --wait-min..--wait-max seconds between requests (a
person reading a page) and picks, by weight:

    artist search (page)   4  GET /artists/?q=..&genre=..&country=..  (filters, sort, page)
    artist search (API)    2  GET /api/v1/artists/?...                 (same FilterSet)
    artist page            3  GET /artists/<slug>/
    brief matches (page)   1  GET /briefs/<id>/matches/               (signed-in brand member)
    brief matches (API)    1  GET /api/v1/briefs/<id>/matches/        (brand token)
    offer create           1  POST /api/v1/offers/ {brief, artist}    (brand token)

Errors are 5xx answers and failed connections/timeouts; 4xx answers are counted apart (an offer
to an artist who already has an open offer for that brief is a 409 by design). The API's scoped
write throttles (AUX_THROTTLE_OFFERS / AUX_THROTTLE_MESSAGES) are raised for the bench server,
otherwise the offer POSTs would be 429 after 30 an hour.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    ensure_database,
    gunicorn_start,
    load_average,
    load_bench_artists,
    percentile,
    pg_running,
    pg_start,
    pg_stop,
    stop_group,
    wait_http,
)

DB = "aux_load"
SEARCH_TARGET_MS = 150.0  # issue 9: artist search p95 at 50 users, 0 errors
ENDPOINTS = [
    "artist search (page)",
    "artist search (API)",
    "artist page",
    "brief matches (page)",
    "brief matches (API)",
    "offer create",
]


def run_dir(args: argparse.Namespace) -> Path:
    return Path(f"/tmp/aux-bench-{args.pg_port}")  # noqa: S108


def server_env(args: argparse.Namespace) -> dict[str, str]:
    rd = run_dir(args)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aux.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/{DB}",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "AUX_SNAPSHOT_DIR": str(rd / "snapshot"),
        "STATIC_ROOT": str(rd / "static"),
        "MEDIA_ROOT": str(rd / "media"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "consolemail://",
        # No fake Stripe here: seed_demo skips payments when nothing answers at this address.
        "STRIPE_API_BASE": "http://127.0.0.1:9",
        # A load test is a spammer by definition: the write throttles would answer 429.
        "AUX_THROTTLE_OFFERS": "1000000/hour",
        "AUX_THROTTLE_MESSAGES": "1000000/hour",
        # DEBUG=0 requires verified brands before they book; seed_demo books as `make run` does.
        "AUX_REQUIRE_BRAND_VERIFICATION": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# --- services ------------------------------------------------------------------------------------


def start_services(args: argparse.Namespace) -> subprocess.Popen | None:
    rd = run_dir(args)
    if pg_running(rd):
        print(f"PostgreSQL already running on 127.0.0.1:{args.pg_port} ({rd})", flush=True)
    else:
        pg_start(rd, args.pg_port)
        print(f"PostgreSQL started on 127.0.0.1:{args.pg_port} ({rd})", flush=True)
    ensure_database(args.pg_port, DB)
    ping = subprocess.run(  # noqa: S603 (fixed argv, no shell)
        ["redis-cli", "-p", str(args.redis_port), "ping"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if ping.stdout.strip() == "PONG":
        print(f"Redis already running on 127.0.0.1:{args.redis_port}", flush=True)
        return None
    redis = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
        ["redis-server", "--bind", "127.0.0.1", "--port", str(args.redis_port),  # noqa: S607
         "--save", "", "--appendonly", "no", "--logfile", str(rd / "redis.log")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    (rd / "redis.pid").write_text(str(redis.pid))
    print(f"Redis started on 127.0.0.1:{args.redis_port}", flush=True)
    return redis


def stop_services(args: argparse.Namespace, redis: subprocess.Popen | None) -> None:
    rd = run_dir(args)
    if redis is None and (rd / "redis.pid").exists():
        # Started by an earlier --keep run: stop it by its own pid.
        subprocess.run(  # noqa: S603 (fixed argv, no shell)
            ["redis-cli", "-p", str(args.redis_port), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
            check=False,
        )
    elif redis is not None:
        stop_group(redis)
    pg_stop(rd)
    print(f"stopped PostgreSQL and Redis, removed {rd}", flush=True)


# --- data (runs in its own process: Django, no gevent) -------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from artists.models import Artist, DeliverableType, Genre
    from artists.taxonomy import GENRES, MOODS
    from aux.demo import ADJECTIVES, NOUNS, seed_demo
    from aux.users.models import User
    from brands.models import Membership
    from campaigns.briefs import matching_service, snapshot_store
    from campaigns.briefs.models import Brief, Match

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    if not User.objects.filter(email="brand@aux.test").exists():
        seed_demo()
    demo = Artist.objects.exclude(slug__startswith="bench-artist-").count()
    load_bench_artists(max(0, args.artists - demo), chunk=args.chunk)
    total = Artist.objects.count()
    published = list(Brief.objects.filter(status=Brief.Status.PUBLISHED).order_by("pk"))
    stale = any(b.matches_computed_at is None for b in published) or (
        Match.objects.filter(brief__in=published).values("artist").distinct().count() < 100
        and total > 1000
    )
    if stale or args.rerank:
        t1 = time.perf_counter()
        snapshot_store.snapshot_build()
        for brief in published:
            matching_service.matches_recompute(brief=brief)
        print(f"snapshot + {len(published)} briefs ranked in {time.perf_counter() - t1:.1f}s")

    # Offers go to claimed profiles only: give every matched artist without one an account.
    matched = Artist.objects.filter(matches__brief__in=published, user__isnull=True).distinct()
    unclaimed = list(matched.values_list("pk", flat=True))
    unusable = "!bench"  # no one signs in as these artists
    users = User.objects.bulk_create(
        User(
            email=f"bench-claimed-{pk}@example.com",
            name=f"Bench {pk}",
            role="artist",
            password=unusable,
        )
        for pk in unclaimed
    )
    for pk, user in zip(unclaimed, users, strict=True):
        Artist.objects.filter(pk=pk).update(user=user)
    print(f"{len(unclaimed)} matched artists claimed", flush=True)

    brands = []
    roles = Q(role=Membership.Role.OWNER) | Q(role=Membership.Role.MANAGER)
    for brief_brand in sorted({b.brand_id for b in published}):
        briefs = [
            {
                "id": b.pk,
                # What a brand's client sends: the brief's deliverables, its budget shared out
                # (an artist without a rate in the brief's currency has no fee to prefill).
                "lines": [
                    {
                        "deliverable_type": d.deliverable_type.slug,
                        "quantity": d.quantity,
                        "fee": b.budget_max // max(1, b.deliverables.count()),
                    }
                    for d in b.deliverables.select_related("deliverable_type")
                ],
                "artists": list(
                    Match.objects.filter(brief=b, artist__user__isnull=False)
                    .order_by("rank")
                    .values_list("artist__slug", flat=True)
                ),
            }
            for b in published
            if b.brand_id == brief_brand
        ]
        for membership in Membership.objects.filter(roles, brand_id=brief_brand):
            client = Client()
            client.force_login(membership.user)
            brands.append(
                {
                    "email": membership.user.email,
                    "token": Token.objects.get_or_create(user=membership.user)[0].key,
                    "session": client.cookies["sessionid"].value,
                    "briefs": briefs,
                }
            )
    slugs = list(Artist.objects.order_by("?").values_list("slug", flat=True)[:5000])
    words = sorted({w for name in [*GENRES, *MOODS] for w in name.lower().split() if len(w) > 2})
    plan = {
        "artists": total,
        "brands": brands,
        "slugs": slugs,
        "words": [*words, *(w.lower() for w in ADJECTIVES + NOUNS)],
        "genres": list(Genre.objects.values_list("slug", flat=True)),
        "deliverables": list(DeliverableType.objects.values_list("slug", flat=True)),
        "countries": ["DE", "FR", "GB", "US", "NG", "BR", "KR", "NL", "ES", "SE", "JP"],
    }
    (run_dir(args) / "plan.json").write_text(json.dumps(plan))
    print(
        f"data ready in {time.perf_counter() - t0:.0f}s: {total} artists, "
        f"{len(published)} published briefs, {len(brands)} brand identities",
        flush=True,
    )


# --- the load (gevent: imported only here, after every subprocess is started) --------------------


def search_params(rng: random.Random, plan: dict, *, page: bool) -> dict[str, str]:
    """What people type and tick on the discovery page: words, a genre, a country..."""
    params: dict[str, str] = {}
    if rng.random() < 0.6:
        params["q"] = " ".join(rng.sample(plan["words"], rng.choice((1, 1, 1, 2))))
    if rng.random() < 0.5:
        params["genre"] = rng.choice(plan["genres"])
    if rng.random() < 0.3:
        params["country"] = rng.choice(plan["countries"])
    if rng.random() < 0.2:
        params["emerging"] = "true"
    if rng.random() < 0.15:
        params["deliverable"] = rng.choice(plan["deliverables"])
        params["max_fee"] = str(rng.choice((500, 2000, 10000)) * (1 if page else 100))
    if rng.random() < 0.15:
        params["sort"] = rng.choice(("audience", "fee"))
    if page and rng.random() < 0.2:
        params["page"] = str(rng.randint(2, 4))
    return params


def make_user_class(plan: dict, args: argparse.Namespace):
    from urllib.parse import urlencode

    from locust import between, task
    from locust.contrib.fasthttp import FastHttpUser

    class MarketplaceUser(FastHttpUser):
        wait_time = between(args.wait_min, args.wait_max)
        network_timeout = 30.0
        connection_timeout = 30.0

        def on_start(self) -> None:
            self.rng = random.Random()
            self.brand = self.rng.choice(plan["brands"])

        def _get(self, path: str, name: str, headers: dict | None = None) -> None:
            with self.client.get(path, name=name, headers=headers, catch_response=True) as r:
                if r.status_code >= 500 or not r.status_code:
                    r.failure(f"HTTP {r.status_code}")
                else:
                    r.success()  # 4xx are counted apart (see report)

        @task(4)
        def search_page(self) -> None:
            query = urlencode(search_params(self.rng, plan, page=True))
            self._get(f"/artists/?{query}", "artist search (page)")

        @task(2)
        def search_api(self) -> None:
            query = urlencode(search_params(self.rng, plan, page=False))
            self._get(f"/api/v1/artists/?{query}", "artist search (API)")

        @task(3)
        def artist_page(self) -> None:
            self._get(f"/artists/{self.rng.choice(plan['slugs'])}/", "artist page")

        @task(1)
        def matches_page(self) -> None:
            brief = self.rng.choice(self.brand["briefs"])
            cookie = {"Cookie": f"sessionid={self.brand['session']}"}
            self._get(f"/briefs/{brief['id']}/matches/", "brief matches (page)", cookie)

        @task(1)
        def matches_api(self) -> None:
            brief = self.rng.choice(self.brand["briefs"])
            token = {"Authorization": f"Token {self.brand['token']}"}
            self._get(f"/api/v1/briefs/{brief['id']}/matches/", "brief matches (API)", token)

        @task(1)
        def offer_create(self) -> None:
            brief = self.rng.choice(self.brand["briefs"])
            body = {
                "brief": brief["id"],
                "artist": self.rng.choice(brief["artists"]),
                "lines": brief["lines"],
                "message": "Load test offer: would you play our stage?",
            }
            with self.client.post(
                "/api/v1/offers/",
                json=body,
                headers={"Authorization": f"Token {self.brand['token']}"},
                name="offer create",
                catch_response=True,
            ) as r:
                if r.status_code >= 500 or not r.status_code:
                    r.failure(f"HTTP {r.status_code}")
                else:
                    r.success()

    return MarketplaceUser


def summarise(samples: list[tuple[str, float, int]], seconds: float) -> list[dict]:
    rows = []
    for name in [*ENDPOINTS, "all"]:
        mine = [s for s in samples if name == "all" or s[0] == name]
        times = [s[1] for s in mine]
        statuses = [s[2] for s in mine]
        client_errors: dict[str, int] = {}
        for status in statuses:
            if 400 <= status < 500:
                client_errors[str(status)] = client_errors.get(str(status), 0) + 1
        rows.append(
            {
                "endpoint": name,
                "requests": len(mine),
                "rps": round(len(mine) / seconds, 1),
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "p99_ms": round(percentile(times, 99), 1),
                "max_ms": round(max(times, default=0.0), 1),
                "errors": sum(1 for s in statuses if s >= 500 or s == 0),
                "4xx": client_errors,
            }
        )
    return rows


def print_table(level: dict) -> None:
    print(
        f"\n{level['users']} users, {level['seconds']:.0f} s measured, "
        f"load average {level['load_before']} -> {level['load_after']}"
    )
    header = f"{'endpoint':<22} {'req':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
    print(header + f" {'max':>7} {'errors':>6}  4xx")
    for row in level["rows"]:
        four = ", ".join(f"{k}×{v}" for k, v in sorted(row["4xx"].items())) or "-"
        print(
            f"{row['endpoint']:<22} {row['requests']:>6} {row['rps']:>7} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['p99_ms']:>7} {row['max_ms']:>7} {row['errors']:>6}  {four}"
        )


def run_load(args: argparse.Namespace, plan: dict, base_url: str) -> list[dict]:
    import gevent
    from locust.env import Environment

    samples: list[tuple[str, float, int]] = []
    recording = {"on": False}

    def on_request(request_type, name, response_time, response_length, **kw) -> None:
        if recording["on"]:
            response = kw.get("response")
            status = getattr(response, "status_code", 0) or 0
            if kw.get("exception") is not None and status < 400:
                status = 0  # connection error or timeout
            samples.append((name, response_time, status))

    user_class = make_user_class(plan, args)
    levels = []
    for users in args.users:
        env = Environment(user_classes=[user_class], host=base_url)
        env.events.request.add_listener(on_request)
        runner = env.create_local_runner()
        runner.start(users, spawn_rate=max(5, users / 2))
        gevent.sleep(args.warmup)
        samples.clear()
        load_before = load_average()
        recording["on"] = True
        started = time.monotonic()
        gevent.sleep(args.duration)
        recording["on"] = False
        seconds = time.monotonic() - started
        taken = list(samples)
        runner.quit()
        level = {
            "users": users,
            "seconds": round(seconds, 1),
            "load_before": load_before,
            "load_after": load_average(),
            "rows": summarise(taken, seconds),
        }
        levels.append(level)
        if args.json:
            print(json.dumps(level), flush=True)
        else:
            print_table(level)
        gevent.sleep(2)  # let the server drain before the next level
    return levels


def verdict(levels: list[dict]) -> str:
    at = [lv for lv in levels if lv["users"] == 50]
    if not at:
        return "target (artist search p95 <= 150 ms at 50 users, 0 errors): 50 users not run"
    rows = {r["endpoint"]: r for r in at[0]["rows"]}
    searches = [rows["artist search (page)"], rows["artist search (API)"]]
    ok = all(r["p95_ms"] <= SEARCH_TARGET_MS for r in searches)
    errors = rows["all"]["errors"]
    p95s = " / ".join(f"{r['p95_ms']} ms" for r in searches)
    return (
        f"target: artist search p95 (page / API) {p95s} at 50 users, {errors} errors: "
        f"{'met' if ok and errors == 0 else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=100_000, help="artists in all")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--wait-min", type=float, default=0.5, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=2.5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--pg-port", type=int, default=55701)
    parser.add_argument("--redis-port", type=int, default=63701)
    parser.add_argument("--http-port", type=int, default=58701)
    parser.add_argument("--chunk", type=int, default=50_000, help="artists per import chunk")
    parser.add_argument("--rerank", action="store_true", help="rebuild snapshot and matches")
    parser.add_argument("--keep", action="store_true", help="leave PostgreSQL and Redis running")
    parser.add_argument("--quick", action="store_true", help="5,000 artists, 5/10 users, 8 s")
    parser.add_argument("--json", action="store_true", help="one JSON object per level")
    parser.add_argument("--verbose", action="store_true", help="gunicorn access log")
    parser.add_argument("command", nargs="?", default="run", choices=["run", "_prepare"])
    args = parser.parse_args()
    if args.quick:
        args.artists, args.users, args.duration, args.warmup = 5000, [5, 10], 8.0, 3.0
        args.pg_port, args.redis_port, args.http_port = 55702, 63702, 58702
    if args.command == "_prepare":
        os.environ.update(server_env(args))
        prepare(args)
        return

    redis = start_services(args)
    server = None
    try:
        subprocess.run(  # noqa: S603 (fixed argv, no shell)
            [PYTHON, __file__, "_prepare", *(a for a in sys.argv[1:] if a != "run")],
            check=True,
            env=server_env(args),
            cwd=ROOT,
        )
        plan = json.loads((run_dir(args) / "plan.json").read_text())
        server = gunicorn_start(
            server_env(args), port=args.http_port, workers=args.workers, verbose=args.verbose
        )
        status = wait_http(args.http_port, "/")
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{args.http_port} (/ {status});"
            f" {plan['artists']} artists; {os.cpu_count()} CPUs; load average {load_average()}",
            flush=True,
        )
        base_url = f"http://127.0.0.1:{args.http_port}"
        levels = run_load(args, plan, base_url)
        line = verdict(levels)
        print(json.dumps({"verdict": line}) if args.json else f"\n{line}", flush=True)
    finally:
        if server is not None:
            stop_group(server)
        if args.keep:
            print(f"kept PostgreSQL :{args.pg_port} and Redis :{args.redis_port} running")
        else:
            stop_services(args, redis)


if __name__ == "__main__":
    main()
