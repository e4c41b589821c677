"""One published snapshot (issue 18): built once, kept in the database, fetched once per node into
its own folder; nothing ranks against a folder's stale copy and nothing waits for a build."""

import pytest
from django.urls import reverse

from aux.celery import app
from campaigns.briefs import matching_service, snapshot_store
from campaigns.briefs.models import SnapshotPart, SnapshotVersion
from tests.artists.factories import ArtistFactory
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import BriefFactory

pytestmark = pytest.mark.django_db


def _node(settings, tmp_path, name: str):
    """Point this process at a node's own snapshot folder (what AUX_SNAPSHOT_DIR is per host)."""
    settings.AUX_SNAPSHOT_DIR = str(tmp_path / name)
    return tmp_path / name


def test_a_node_with_an_empty_folder_fetches_the_published_version(settings, tmp_path):
    artists = [ArtistFactory(monthly_listeners=n) for n in (10, 20)]
    _node(settings, tmp_path, "a")
    built = snapshot_store.snapshot_build()
    b = _node(settings, tmp_path, "b")

    snap = snapshot_store.get_snapshot()

    assert snap.version == built.version == SnapshotVersion.objects.get().version
    assert (b / "versions" / built.version / "manifest.json").is_file()
    assert [snap.record(a.pk)["monthly_listeners"] for a in artists] == [10, 20]


def test_a_refresh_on_one_node_reaches_the_rankings_of_another(settings, tmp_path):
    artist = ArtistFactory(monthly_listeners=10)
    _node(settings, tmp_path, "a")
    snapshot_store.snapshot_build()
    assert snapshot_store.get_snapshot().record(artist.pk)["monthly_listeners"] == 10
    artist.monthly_listeners = 99
    artist.save()

    _node(settings, tmp_path, "b")  # never built anything: starts from the published version
    assert snapshot_store.snapshot_refresh() == 1
    _node(settings, tmp_path, "a")

    assert snapshot_store.get_snapshot().record(artist.pk)["monthly_listeners"] == 99
    assert snapshot_store.snapshot_refresh() == 0  # the published version covered the change


def test_only_the_last_versions_are_kept_in_the_database_and_in_each_folder(settings, tmp_path):
    ArtistFactory()
    a = _node(settings, tmp_path, "a")
    for _ in range(snapshot_store.KEEP + 2):
        snapshot_store.snapshot_build()

    kept = list(SnapshotVersion.objects.values_list("pk", flat=True))
    assert len(kept) == snapshot_store.KEEP
    assert set(SnapshotPart.objects.values_list("snapshot_id", flat=True)) == set(kept)
    assert len([p for p in (a / "versions").iterdir() if p.name.startswith("v")]) == 3


def test_a_version_is_stored_in_parts_of_at_most_part_bytes(settings, tmp_path, monkeypatch):
    ArtistFactory()
    monkeypatch.setattr(snapshot_store, "PART_BYTES", 1 << 20)
    snapshot_store.snapshot_build()
    row = SnapshotVersion.objects.get()

    sizes = [len(d) for d in SnapshotPart.objects.values_list("data", flat=True)]
    assert len(sizes) > 1 and max(sizes) <= 1 << 20 and sum(sizes) == row.size
    _node(settings, tmp_path, "b")
    assert snapshot_store.get_snapshot().n_alive == 1  # the parts join back into the files


def test_ranking_before_any_snapshot_queues_one_build_and_says_ranking_in_progress(
    client, world, monkeypatch
):
    """With workers, a brief ranked before the first version exists never builds it inside its
    own task: the first build is queued once, and it ranks the briefs that waited."""
    brief, _artists, _live = world
    other = BriefFactory(status=brief.Status.PUBLISHED)
    queued = []
    monkeypatch.setattr(
        matching_service, "enqueue", lambda task, *args: queued.append((task.name, *args))
    )
    app.conf.task_always_eager = False  # as with workers (conftest puts it back)

    assert matching_service.matches_recompute(brief=brief) == 0
    assert matching_service.matches_recompute(brief=other) == 0

    assert queued == [("campaigns.snapshot_ensure",)]
    assert not SnapshotVersion.objects.exists()
    brief.refresh_from_db()
    assert brief.match_stats == {"pending": True}
    client.force_login(MembershipFactory(brand=brief.brand, role="viewer").user)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert "Ranking in progress" in html

    queued.clear()
    assert matching_service.snapshot_first_build() == 2
    assert SnapshotVersion.objects.count() == 1
    assert sorted(queued) == sorted(
        [
            ("campaigns.brief_compute_matches", brief.pk),
            ("campaigns.brief_compute_matches", other.pk),
        ]
    )
    assert matching_service.matches_recompute(brief=brief) == 3
