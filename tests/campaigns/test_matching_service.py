"""The database side of matching: snapshot from PostgreSQL, ranking stored as Match rows."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache

from artists.models import Rate, Unavailability
from campaigns.briefs import matching_service, snapshot_store
from campaigns.briefs.models import Match, MatchCuration
from tests.artists.factories import ArtistFactory, GenreFactory, MoodFactory, RateFactory

pytestmark = pytest.mark.django_db


def test_recompute_stores_ranked_matches_with_parts_and_filter_counts(world):
    brief, _artists, _ = world
    assert matching_service.matches_recompute(brief=brief) == 3

    matches = list(Match.objects.filter(brief=brief).order_by("rank"))
    assert [m.rank for m in matches] == [1, 2, 3]
    assert {m.artist.slug for m in matches} == {"star", "mid", "fresh"}
    assert next(m for m in matches if m.artist.slug == "fresh").emerging is True
    top = matches[0]
    assert set(top.parts) >= {"genre", "territory", "budget", "reach", "verified"}
    for p in top.parts.values():
        assert p["value"] is None if not p["known"] else 0.0 <= p["value"] <= 1.0
    assert all(0.0 <= m.score <= 100.0 for m in matches)
    brief.refresh_from_db()
    assert brief.match_stats["removed"]["deliverables"] == 1
    assert brief.match_stats["removed"]["availability"] == 1
    assert brief.match_stats["n_candidates"] == 3
    assert brief.matches_computed_at is not None


def test_curation_pins_first_and_hides(world, staff_user):
    brief, artists, _ = world
    MatchCuration.objects.create(brief=brief, artist=artists["fresh"], pin_order=1)
    MatchCuration.objects.create(brief=brief, artist=artists["star"], hidden=True)
    matching_service.matches_recompute(brief=brief)

    ranked = list(Match.objects.filter(brief=brief).order_by("rank"))
    assert ranked[0].artist == artists["fresh"] and ranked[0].pinned
    assert artists["star"].pk not in {m.artist_id for m in ranked}
    brief.refresh_from_db()
    assert brief.match_stats["removed"]["hidden"] == 1


def test_incomplete_brief_ranks_nobody_and_says_why(world):
    brief, _, _ = world
    brief.deliverables.all().delete()
    assert matching_service.matches_recompute(brief=brief) == 0
    brief.refresh_from_db()
    assert brief.match_stats == {"incomplete": ["at least one deliverable"]}


def test_refresh_applies_changed_and_deleted_artists_only(world):
    brief, artists, live = world
    snapshot_store.snapshot_build()
    newcomer = ArtistFactory(slug="newcomer", monthly_listeners=20_000)
    Rate.objects.create(artist=newcomer, deliverable_type=live, min_fee=50_000)
    artists["mid"].delete()

    assert snapshot_store.snapshot_refresh() >= 2
    matching_service.matches_recompute(brief=brief)
    slugs = set(Match.objects.filter(brief=brief).values_list("artist__slug", flat=True))
    assert "newcomer" in slugs and "mid" not in slugs
    assert snapshot_store.snapshot_refresh() == 0  # nothing changed since


def test_a_rate_change_reranks_published_briefs_after_commit(
    world, django_capture_on_commit_callbacks
):
    brief, artists, live = world
    matching_service.matches_recompute(brief=brief)
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        RateFactory(artist=artists["no-live"], deliverable_type=live, min_fee=10_000)
    assert Match.objects.filter(brief=brief, artist=artists["no-live"]).exists()


def test_unavailability_in_the_past_is_left_out_of_the_snapshot(world):
    _, artists, _ = world
    old = date.today() - timedelta(days=400)
    Unavailability.objects.create(artist=artists["star"], start=old, end=old + timedelta(days=2))
    records = {r["id"]: r for r in snapshot_store.artist_records([artists["star"].pk])}
    assert records[artists["star"].pk]["unavailable"] == []


def test_artists_who_opted_in_hear_once_that_a_published_brief_ranks_them(
    world, django_capture_on_commit_callbacks
):
    from aux.notifications.models import Notification, NotificationPreference
    from campaigns.briefs.tasks import brief_compute_matches

    brief, artists, _ = world
    fresh = artists["fresh"].user
    NotificationPreference.objects.create(user=fresh, kind="brief.match", channel="in_app")
    for _ in range(2):  # recomputed twice: told once
        with django_capture_on_commit_callbacks(execute=True):
            brief_compute_matches(brief.pk)
    notes = Notification.objects.filter(kind="brief.match")
    assert list(notes.values_list("recipient", flat=True)) == [fresh.pk]  # others did not opt in
    assert "ranks you #" in notes.get().text


def test_recompute_stores_which_matches_the_fairness_rule_placed(lifted):
    brief, _artists, _ = lifted
    ranked = list(Match.objects.filter(brief=brief).order_by("rank"))
    assert [m.artist.slug for m in ranked] == ["mid", "fresh", "star"]
    assert [m.placed_by_fairness for m in ranked] == [False, True, False]
    assert ranked[1].score < ranked[2].score
    brief.refresh_from_db()
    fairness = brief.match_stats["fairness"]
    assert fairness["placed_by_fairness"] == 1 and fairness["emerging_candidates"] == 1


def test_brief_query_passes_genre_families_and_the_names_to_leave_out_of_the_text(world):
    brief, _, _ = world
    latin = GenreFactory(name="Latin", slug="latin")
    reggaeton = GenreFactory(name="Reggaeton", slug="reggaeton", parent=latin)
    perreo = GenreFactory(name="Perreo", slug="perreo", parent=reggaeton)
    MoodFactory(name="Feel-good", slug="feel-good")
    query = matching_service.brief_query(brief)
    assert query.genre_families[reggaeton.pk] == latin.pk
    assert query.genre_families[perreo.pk] == latin.pk  # the root of the branch
    assert latin.pk not in query.genre_families  # a root is its own family
    assert {"House", "Reggaeton", "Feel-good"} <= set(query.ignore_words)
