"""Two workers, two snapshot folders, one published snapshot (issue 18, "one published snapshot").

Worker A and worker B are real `celery worker` processes, each with its own AUX_SNAPSHOT_DIR (as
on two hosts) and its own queue, so the test says which one does what. An artist change queues
the refresh (routed to A), A publishes the new version in the database, and a brief ranked by B
afterwards sees the change: B fetched the version into its own folder. Before the snapshot was
published, B ranked against its folder's copy forever and the artist never appeared.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from aux.celery import app
from campaigns.briefs.models import Brief, Match, SnapshotVersion
from campaigns.briefs.tasks import brief_compute_matches, snapshot_rebuild
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, GenreFactory, RateFactory
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _worker(name: str, queue: str, folder: Path) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "AUX_SNAPSHOT_DIR": str(folder),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aux", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
         "-Q", queue, "-n", name],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


@contextmanager
def _routed(routes: dict[str, dict[str, str]]):
    """Tasks sent from this process go to these queues (then the settings' routes again)."""
    previous = (app.conf.task_routes, app.conf.task_always_eager)
    app.conf.task_routes, app.conf.task_always_eager = routes, False
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # the cached Router holds the old routes
    try:
        yield
    finally:
        app.conf.task_routes, app.conf.task_always_eager = previous
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


@pytest.fixture
def two_workers(redis_url, tmp_path):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("two worker processes share the test database: PostgreSQL only")
    tag = os.getpid()
    nodes = {
        side: (f"snapshot-{side}-{tag}@localhost", f"aux-snapshot-{side}-{tag}", tmp_path / side)
        for side in ("a", "b")
    }
    procs = [_worker(*node) for node in nodes.values()]
    try:
        for proc, (name, _queue, _folder) in zip(procs, nodes.values(), strict=True):
            _wait(lambda n=name, p=proc: p.poll() is not None or app.control.ping([n], timeout=0.5),
                  120, f"worker {name}")  # fmt: skip
            assert proc.poll() is None, f"worker {name} exited with {proc.returncode}"
        yield nodes
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_an_artist_change_refreshed_on_worker_a_reaches_a_brief_ranked_by_worker_b(
    two_workers, record_property
):
    (_, queue_a, folder_a), (_, queue_b, folder_b) = two_workers["a"], two_workers["b"]
    live = DeliverableTypeFactory(name="Live show", slug="live-show")
    house = GenreFactory(name="House", slug="house")
    brief = BriefFactory(status=Brief.Status.DRAFT, budget_max=5_000_000)  # ranked on demand
    brief.genres.set([house])
    BriefDeliverableFactory(brief=brief, deliverable_type=live, quantity=1)
    artists = [ArtistFactory(monthly_listeners=n) for n in (900_000, 60_000, 8_000)]
    for artist in artists:
        artist.genres.set([house])
    for artist in artists[:2]:
        RateFactory(artist=artist, deliverable_type=live, min_fee=200_000)
    late = artists[2]  # no rate for the brief's deliverable yet: filtered out

    with _routed({"campaigns.snapshot_*": {"queue": queue_a},
                  "campaigns.brief_compute_matches": {"queue": queue_b}}):  # fmt: skip
        snapshot_rebuild.delay().get(timeout=60)  # worker A builds the first version
        first = SnapshotVersion.objects.first().version  # the newest: A's build
        brief_compute_matches.delay(brief.pk).get(timeout=60)  # worker B fetches it and ranks
        assert set(Match.objects.filter(brief=brief).values_list("artist_id", flat=True)) == {
            artists[0].pk, artists[1].pk
        }  # fmt: skip

        # Committed at once: the change queues the refresh (no debounce in tests), sent to A.
        changed_at = time.monotonic()
        RateFactory(artist=late, deliverable_type=live, min_fee=150_000)
        _wait(lambda: SnapshotVersion.objects.first().version != first, 60, "A's refresh")
        brief_compute_matches.delay(brief.pk).get(timeout=60)
        record_property("change_to_rankings_s", round(time.monotonic() - changed_at, 2))

    ranked = set(Match.objects.filter(brief=brief).values_list("artist_id", flat=True))
    assert late.pk in ranked, "worker B ranked against a stale snapshot"
    current = SnapshotVersion.objects.first().version
    assert (folder_a / "versions" / current).is_dir()  # built by A,
    fetched = {p.name for p in (folder_b / "versions").iterdir()}
    assert fetched == {first, current}  # and fetched by B, which built none
