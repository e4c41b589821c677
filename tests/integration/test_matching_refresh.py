"""Artist changes reach the rankings through the real worker, debounced (issue 15, item 1)."""

import time

import pytest
from django.core.management import call_command

from campaigns.briefs import matching_service, snapshot_store
from campaigns.briefs.models import Match
from campaigns.briefs.services import brief_publish
from tests.artists.factories import ArtistFactory
from tests.campaigns.test_matching_freshness import CSV, _brief

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    return check()


def test_an_import_reaches_the_rankings_through_the_worker_with_a_debounce(
    real_broker, worker_snapshot_dir, settings, tmp_path, brand, brand_owner
):
    settings.AUX_SNAPSHOT_DIR = str(worker_snapshot_dir)
    settings.AUX_MATCHING_DEBOUNCE_SECONDS = 2
    brief = _brief(brand)
    snapshot_store.snapshot_build()  # on an empty catalogue, as a fresh production
    path = tmp_path / "artists.csv"
    path.write_text(CSV, encoding="utf-8")

    call_command("import_artists", str(path), stdout=None, stderr=None)

    assert _wait_for(lambda: snapshot_store.get_snapshot().n_alive == 6), "never refreshed"
    brief_publish(actor=brand_owner, brief=brief)
    assert _wait_for(lambda: Match.objects.filter(brief=brief).count() == 6)


def test_two_edits_a_second_apart_inside_the_debounce_window_both_reach_the_worker_snapshot(
    real_broker, worker_snapshot_dir, settings
):
    settings.AUX_SNAPSHOT_DIR = str(worker_snapshot_dir)
    settings.AUX_MATCHING_DEBOUNCE_SECONDS = 2
    first, second = ArtistFactory(monthly_listeners=10), ArtistFactory(monthly_listeners=20)
    snapshot_store.snapshot_build()

    first.monthly_listeners = 111
    first.save()
    time.sleep(1)
    second.monthly_listeners = 222
    second.save()

    def applied():
        snap = snapshot_store.get_snapshot()
        return [snap.record(a.pk)["monthly_listeners"] for a in (first, second)] == [111, 222]

    assert _wait_for(applied), "an edit inside the debounce window was dropped"
    # Every committed change counted (two creations, two edits), and the last refresh covered all.
    seen = matching_service.changes_seen()
    assert seen == 4
    assert _wait_for(lambda: matching_service.changes_covered() == seen)
