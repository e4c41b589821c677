"""PostgreSQL restarting under a real gunicorn (DEBUG off, persistent connections with health
checks), on a private cluster this module starts, migrates and seeds, so the restart touches no
other test's database.

An offer being created when PostgreSQL goes away had already written its offer, revision and
lines inside its transaction (it is held waiting for the audit table): the client gets a clear
503 (the API's JSON error shape, the 503 page for the form), nothing of it is left in the
database, and the next request after the restart creates exactly one offer. While PostgreSQL is
down, the session/user lookup of the middlewares fails too and is a 503, not a 500."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from aux.audit.models import AuditEvent
from campaigns.bookings.models import Offer, OfferLine, OfferRevision
from tests.integration.faults_site import ROOT, free_port, gunicorn

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
MESSAGE = "The service is briefly unavailable and nothing was saved."

# Run in a subprocess against the private cluster: migrate, then a brand owner (signed in, with
# an API token), a published brief and two artists (one per test that sends an offer).
SEED = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief
brand = BrandFactory()
owner = MembershipFactory(brand=brand, role="owner").user
brief = booking_brief(brand, social=True)
artists = [booking_artist(), booking_artist()]
client = Client()
client.force_login(owner)
print("SEED " + json.dumps({
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "token": Token.objects.create(user=owner).key,
    "brief": brief.pk, "start_date": str(brief.start_date), "end_date": str(brief.end_date),
    "artists": [a.slug for a in artists],
}))
"""


def as_pg(*args: str) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


@dataclass
class Cluster:
    dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/aux"

    def pg_ctl(self, *args: str) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir / 'sock'} -c fsync=off"
        )
        subprocess.run(
            as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "pg"), "-w", "-l",
                  str(self.dir / "pg.log"), "-o", options, *args),
            check=True, stdout=subprocess.DEVNULL, timeout=30,
        )  # fmt: skip

    def up(self) -> None:
        """Started again if a failed test left it stopped (pg_ctl status: 3 = not running)."""
        status = subprocess.run(as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "pg"), "status"),
                                stdout=subprocess.DEVNULL, check=False)  # fmt: skip
        if status.returncode == 3:
            self.pg_ctl("start")

    def connect(self):
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="aux")

    def rows(self, sql: str, *params) -> list[tuple]:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()


@pytest.fixture(scope="module")
def cluster():
    if PG_BIN is None or not (PG_BIN / "initdb").exists():
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)")
    run_dir = Path(tempfile.mkdtemp(prefix="aux-pg-restart-"))
    (run_dir / "sock").mkdir()
    if os.geteuid() == 0:
        shutil.chown(run_dir, "postgres", "postgres")
        shutil.chown(run_dir / "sock", "postgres", "postgres")
    cluster = Cluster(dir=run_dir, port=free_port())
    try:
        subprocess.run(
            as_pg(str(PG_BIN / "initdb"), "-D", str(run_dir / "pg"), "-A", "trust", "-U",
                  "postgres", "-E", "UTF8"),
            check=True, stdout=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip
        cluster.pg_ctl("start")
        subprocess.run(
            as_pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                  "-U", "postgres", "aux"),
            check=True, timeout=30,
        )  # fmt: skip
        yield cluster
    finally:
        if (run_dir / "pg" / "postmaster.pid").exists():
            stop = as_pg(
                str(PG_BIN / "pg_ctl"), "-D", str(run_dir / "pg"), "-m", "immediate", "stop"
            )
            subprocess.run(stop, stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    # The run's Redis when there is one (a database number of its own), else nowhere: the cache
    # degrades and task dispatch gives up quickly, neither matters to an offer being created.
    redis_url = os.environ.get("REDIS_URL", "").rsplit("/", 1)[0]
    redis_url = f"{redis_url}/7" if redis_url else f"redis://127.0.0.1:{free_port()}/0"
    # The seed signs the session with the key gunicorn checks it with.
    secret = "fault-test-" + "x" * 40
    env = {**os.environ, "DATABASE_URL": cluster.url, "REDIS_URL": redis_url, "SECRET_KEY": secret}
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    world = json.loads(seeded.stdout.split("SEED ", 1)[1])
    log = tmp_path_factory.mktemp("pg-restart") / "gunicorn.log"
    with gunicorn(
        database_url=cluster.url, redis_url=redis_url, log=log,
        # As in production: handler500 (not the debug page), persistent connections that
        # CONN_HEALTH_CHECKS replaces when PostgreSQL dropped them.
        DEBUG="0", SECRET_KEY=secret, SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="60", ALLOWED_HOSTS="127.0.0.1",
        # The seeded brand is not verified; with DEBUG off verification is required by default.
        AUX_REQUIRE_BRAND_VERIFICATION="0",
    ) as base:  # fmt: skip
        yield base, world, log


@pytest.fixture(autouse=True)
def _cluster_up_after_each_test(cluster):
    yield
    cluster.up()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we check, not a page to fetch


_opener = urllib.request.build_opener(_NoRedirect)


def http(base, path, *, method="GET", json_body=None, form=None, headers=None):
    """(status, headers, body) of one request; error statuses and redirects are returned."""
    headers = dict(headers or {})
    data = None
    if json_body is not None:
        data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=30) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


CSRF = "c" * 32  # a CSRF secret of our choosing, sent as both the cookie and the form field


def browser(world) -> dict:
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={world['session']}; {settings.CSRF_COOKIE_NAME}={CSRF}"
    )
    return {"Cookie": cookie}


def api(world) -> dict:
    return {"Authorization": f"Token {world['token']}", "Accept": "application/json"}


TABLES = {model: model._meta.db_table for model in (Offer, OfferRevision, OfferLine, AuditEvent)}


def counts(cluster) -> dict[str, int]:
    return {
        name: cluster.rows(f'SELECT count(*) FROM "{name}"')[0][0]  # noqa: S608 (our table names)
        for name in TABLES.values()
    }


def offers_of(cluster, world, artist_slug: str) -> list[int]:
    return [
        pk
        for (pk,) in cluster.rows(
            f'SELECT o.id FROM "{TABLES[Offer]}" o JOIN artists_artist a ON a.id = o.artist_id '  # noqa: S608
            "WHERE o.brief_id = %s AND a.slug = %s",
            world["brief"], artist_slug,
        )
    ]  # fmt: skip


def send_while_the_audit_table_is_locked(cluster, send):
    """Run `send` in a thread while another connection holds the audit table: the offer service
    writes its offer, revision and lines, then waits on its audit insert. Returns the future,
    the waiting backend's tables it has written to (uncommitted), and the lock's connection.

    The tests then take PostgreSQL away with `-m immediate` (a crash, an OOM kill, a failover):
    every backend exits at once without releasing its locks, so the waiting request can never
    commit. A `-m fast` shutdown terminates the backends one by one and releases their locks:
    when the lock holder went first, the request could finish its insert and commit before its
    own termination arrived (seen once in CI), and that is a different story (the work was
    saved, the answer was lost) from the one these tests tell."""
    lock = cluster.connect()
    lock.cursor().execute(f'LOCK TABLE "{TABLES[AuditEvent]}" IN EXCLUSIVE MODE')
    try:
        return _wait_for_the_audit_insert(cluster, send, lock)
    except BaseException:
        lock.close()  # else the table stays locked and the next test waits forever
        raise


def _wait_for_the_audit_insert(cluster, send, lock):
    # Watch from a connection of its own, in autocommit: pg_stat_activity is a snapshot taken
    # once per transaction, so the lock's transaction would never see the request arrive.
    watch = cluster.connect()
    watch.autocommit = True
    cur = watch.cursor()
    pool = ThreadPoolExecutor(1)
    future = pool.submit(send)
    pool.shutdown(wait=False)
    deadline = time.monotonic() + 15
    while True:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            (f'INSERT INTO "{TABLES[AuditEvent]}"%',),
        )
        waiting = cur.fetchall()
        if waiting:
            break
        assert not future.done(), f"the request did not wait for the audit table: {future.result()}"
        if time.monotonic() > deadline:
            cur.execute("SELECT pid, state, wait_event_type, wait_event, left(query, 120) "
                        "FROM pg_stat_activity WHERE datname = current_database()")  # fmt: skip
            pytest.fail(f"the request never reached its audit insert: {cur.fetchall()}")
        time.sleep(0.05)
    cur.execute(
        "SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'",
        (waiting[0][0],),
    )
    written = {name for (name,) in cur.fetchall()}
    watch.close()
    return future, written, lock


def test_an_api_offer_in_flight_when_postgresql_goes_down_is_a_503_and_leaves_no_row(cluster, site):
    base, world, log = site
    artist = world["artists"][0]
    before = counts(cluster)

    def send():
        body = {"brief": world["brief"], "artist": artist, "message": "Hello"}
        return http(base, "/api/v1/offers/", method="POST", json_body=body, headers=api(world))

    future, written, lock = send_while_the_audit_table_is_locked(cluster, send)
    # The request is mid-transaction: its offer, revision and lines are written, not committed.
    assert {TABLES[Offer], TABLES[OfferRevision], TABLES[OfferLine]} <= written
    started = time.monotonic()
    cluster.pg_ctl("-m", "immediate", "stop")
    lock.close()
    status, headers, body = future.result(timeout=20)

    assert status == 503, body
    assert time.monotonic() - started < 5
    assert headers["Retry-After"] == "5"
    answer = json.loads(body)
    assert answer["errors"] == {} and answer["detail"].startswith(MESSAGE)

    # While it is down, the session/user lookup of the middlewares (before any view) fails too:
    # a 503 page, and the API's 503 shape for the token lookup.
    status, headers, body = http(base, "/dashboard/", headers=browser(world))
    assert status == 503 and "Briefly unavailable" in body and headers["Retry-After"] == "5"
    status, _headers, body = http(base, "/api/v1/offers/", headers=api(world))
    assert status == 503 and json.loads(body)["detail"].startswith(MESSAGE)

    cluster.pg_ctl("start")
    assert counts(cluster) == before  # no offer, revision, line or audit event was left
    assert offers_of(cluster, world, artist) == []

    # The next request after the restart succeeds and creates exactly one offer.
    status, _headers, body = send()
    assert status == 201, body
    [offer_id] = offers_of(cluster, world, artist)
    assert json.loads(body)["id"] == offer_id
    after = counts(cluster)
    assert after[TABLES[Offer]] == before[TABLES[Offer]] + 1
    assert after[TABLES[OfferRevision]] == before[TABLES[OfferRevision]] + 1
    assert cluster.rows(
        f"SELECT count(*) FROM \"{TABLES[AuditEvent]}\" WHERE verb = 'offer.create' "  # noqa: S608
        "AND target_id = %s",
        str(offer_id),
    ) == [(1,)]  # fmt: skip
    assert "Internal Server Error" not in log.read_text()


def test_an_offer_form_in_flight_when_postgresql_restarts_is_the_503_page_and_leaves_no_row(
    cluster, site
):
    base, world, _log = site
    artist = world["artists"][1]
    form = {
        "artist": artist, "fee_0": "1500", "fee_1": "900", "start_date": world["start_date"],
        "end_date": world["end_date"], "usage_channels": ["social"], "usage_territories": "DE, FR",
        "usage_term_months": 12, "message": "Hello", "csrfmiddlewaretoken": CSRF,
    }  # fmt: skip
    path = f"/briefs/{world['brief']}/offers/new/?artist={artist}"
    before = counts(cluster)

    def send():
        return http(base, path, method="POST", form=form, headers=browser(world))

    future, written, lock = send_while_the_audit_table_is_locked(cluster, send)
    assert TABLES[Offer] in written
    cluster.pg_ctl("-m", "immediate", "restart")
    lock.close()
    status, headers, body = future.result(timeout=20)

    assert status == 503, body[-2000:]
    assert headers["Retry-After"] == "5" and headers["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in body and MESSAGE in body
    assert counts(cluster) == before
    assert offers_of(cluster, world, artist) == []

    # Submitting the form again works at once: one offer, and the redirect to it.
    status, headers, body = send()
    assert status == 302, body[-2000:]
    [offer_id] = offers_of(cluster, world, artist)
    assert headers["Location"].rstrip("/").endswith(f"/{offer_id}")
    assert counts(cluster)[TABLES[Offer]] == before[TABLES[Offer]] + 1


def test_after_a_restart_while_idle_the_next_request_reconnects_and_succeeds(cluster, site):
    """gunicorn's worker keeps its connection between requests (CONN_MAX_AGE): the restart kills
    it, and CONN_HEALTH_CHECKS replaces it at the start of the next request instead of failing."""
    base, world, _log = site
    status, _headers, _body = http(base, "/api/v1/offers/", headers=api(world))
    assert status == 200
    cluster.pg_ctl("-m", "fast", "restart")

    status, _headers, body = http(base, "/api/v1/offers/", headers=api(world))
    assert status == 200, body
    assert "results" in json.loads(body)
