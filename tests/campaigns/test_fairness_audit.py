"""Fairness audit: exposure 1/log2(1 + rank) summed per artist and per group, Singh & Joachims'
exposure-per-relevance ratio, by week, and the staff-only admin report."""

import math
from datetime import datetime, timedelta

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from aux.charts import line_chart
from campaigns.briefs import fairness_audit
from campaigns.briefs.models import Brief, Match
from tests.artists.factories import ArtistFactory
from tests.campaigns.factories import BriefFactory
from tests.users.factories import UserFactory

URL = reverse_lazy("admin:campaigns_match_fairness_audit")  # the admin's prefix is a setting
E3 = 1 / math.log2(3)  # exposure at rank 2


def match(brief, artist, rank, score, *, emerging=False, at=None):
    return Match.objects.create(
        brief=brief, artist=artist, rank=rank, score=score, emerging=emerging,
        computed_at=at or timezone.now(),
    )  # fmt: skip


@pytest.fixture
def ranked(db):
    """Two briefs: rank 1 established (0.9), rank 2 emerging (0.6), rank 3 established (0.3);
    the second brief puts the emerging artist first."""
    big = ArtistFactory(stage_name="Big", slug="big", monthly_listeners=2_000_000)
    small = ArtistFactory(stage_name="Small", slug="small", monthly_listeners=5_000)
    mid = ArtistFactory(stage_name="Mid", slug="mid", monthly_listeners=900_000)
    one = BriefFactory(status=Brief.Status.PUBLISHED, published_at=timezone.now())
    two = BriefFactory(status=Brief.Status.PUBLISHED, published_at=timezone.now())
    match(one, big, 1, 0.9)
    match(one, small, 2, 0.6, emerging=True)
    match(one, mid, 3, 0.3)
    match(two, small, 1, 0.8, emerging=True)
    match(two, big, 2, 0.7)
    return {"big": big, "small": small, "mid": mid, "one": one, "two": two}


def test_artist_exposure_is_the_sum_of_one_over_log2_of_one_plus_rank(db):
    artist = ArtistFactory(slug="everywhere")
    for rank in (1, 2, 3):
        brief = BriefFactory()
        if rank > 1:  # fill the ranks above so the rows are realistic
            for above in range(1, rank):
                match(brief, ArtistFactory(), above, 1.0)
        match(brief, artist, rank, 0.5)
    [row] = [a for a in fairness_audit.top_artists_by_exposure() if a.slug == "everywhere"]
    assert row.exposure == pytest.approx(1 + E3 + 0.5)
    assert row.matches == 3
    assert row.relevance == pytest.approx(1.5)


def test_top_artists_are_ordered_by_exposure_with_their_emerging_flag(ranked):
    top = fairness_audit.top_artists_by_exposure(limit=2)
    assert [(a.slug, a.emerging, a.emerging_matches) for a in top] == [
        ("big", False, 0),
        ("small", True, 2),
    ]
    assert top[0].exposure == pytest.approx(1 + E3)  # rank 1 and rank 2
    assert top[1].exposure == pytest.approx(E3 + 1)
    assert top[0].relevance == pytest.approx(1.6)


def test_group_totals_and_the_disparate_exposure_ratio(ranked):
    totals = fairness_audit.exposure_totals()
    # Emerging: ranks 2 and 1 → E3 + 1, scores 0.6 + 0.8; established: ranks 1, 3, 2.
    assert totals.emerging.matches == 2
    assert totals.emerging.exposure == pytest.approx(E3 + 1)
    assert totals.emerging.relevance == pytest.approx(1.4)
    assert totals.established.matches == 3
    assert totals.established.exposure == pytest.approx(1 + 0.5 + E3)
    assert totals.established.relevance == pytest.approx(1.9)
    expected = ((E3 + 1) / 1.4) / ((1.5 + E3) / 1.9)
    assert totals.disparity == pytest.approx(expected)
    assert totals.disparity > 1  # here emerging artists got more exposure than their scores


def test_ratio_is_none_when_a_group_has_no_matches(db):
    brief = BriefFactory()
    match(brief, ArtistFactory(), 1, 0.9)
    totals = fairness_audit.exposure_totals()
    assert totals.emerging.matches == 0
    assert totals.emerging.exposure_per_relevance is None
    assert totals.established.exposure_per_relevance == pytest.approx(1 / 0.9)
    assert totals.disparity is None


def test_weeks_group_matches_by_the_week_they_were_computed(db):
    monday = datetime(2026, 11, 2, 10, tzinfo=timezone.UTC)  # a Monday
    brief_a, brief_b = BriefFactory(), BriefFactory()
    match(brief_a, ArtistFactory(), 1, 0.5, emerging=True, at=monday)
    match(brief_a, ArtistFactory(), 2, 0.5, at=monday + timedelta(days=6))  # same week (Sunday)
    match(brief_b, ArtistFactory(), 1, 0.4, at=monday + timedelta(days=7))  # next week
    weeks = fairness_audit.exposure_by_week()
    assert [w.week.isoformat() for w in weeks] == ["2026-11-02", "2026-11-09"]
    first, second = weeks
    assert first.emerging.exposure == pytest.approx(1.0)
    assert first.established.exposure == pytest.approx(E3)
    assert first.disparity == pytest.approx((1 / 0.5) / (E3 / 0.5))
    assert second.emerging.matches == 0
    assert second.established.exposure == pytest.approx(1.0)


def test_weeks_by_publication_leave_out_briefs_never_published(db):
    published = BriefFactory(published_at=datetime(2026, 10, 7, tzinfo=timezone.UTC))
    draft = BriefFactory(published_at=None)
    match(published, ArtistFactory(), 1, 0.5)
    match(draft, ArtistFactory(), 1, 0.5)
    weeks = fairness_audit.exposure_by_week(by="published")
    assert [w.week.isoformat() for w in weeks] == ["2026-10-05"]
    assert weeks[0].established.matches == 1


def test_line_chart_draws_one_line_per_series_and_leaves_gaps_for_missing_values():
    # More weeks than aux.charts.BARS_UP_TO: lines (fewer would be bars).
    svg = line_chart(
        ["w1", "w2", "w3", "w4", "w5", "w6", "<w7>"],
        [
            ("A & B", "chart-series-a", [1.0, None, 0.5, 0.7, None, None, None]),
            ("C", "chart-series-b", [0.2] * 7),
        ],
        title="Ratio",
    )
    assert svg.count("<polyline") == 2  # series A: one point, a gap, then a line of two
    assert svg.count("<circle") == 10
    assert "&lt;w7&gt;" in svg and "A &amp; B" in svg and "<w7>" not in svg


def test_audit_page_shows_totals_chart_and_top_artists_to_staff(client, staff_user, ranked):
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "Exposure per unit of relevance" in body
    assert "Small" in body and "Big" in body
    assert f"{((E3 + 1) / 1.4) / ((1.5 + E3) / 1.9):.3f}" in body  # the disparity


def test_audit_page_is_linked_from_the_match_list(client, staff_user, ranked):
    client.force_login(staff_user)
    response = client.get(reverse("admin:campaigns_match_changelist"))
    assert response.status_code == 200
    assert str(URL) in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "artist", "brand owner"])
def test_audit_page_sends_non_staff_to_the_admin_login(client, who, artist_user, brand_owner):
    user = {"anonymous": None, "artist": artist_user, "brand owner": brand_owner}[who]
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_audit_page_refuses_staff_without_view_permission_on_matches(client, db):
    clerk = UserFactory(role="staff", is_staff=True, is_superuser=False)
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_audit_page_query_count_does_not_grow_with_matches(
    client, staff_user, ranked, django_assert_max_num_queries
):
    for _ in range(5):
        brief = BriefFactory(status=Brief.Status.PUBLISHED, published_at=timezone.now())
        for rank in range(1, 9):
            match(brief, ArtistFactory(), rank, 1 / rank, emerging=rank % 3 == 0)
    client.force_login(staff_user)
    with django_assert_max_num_queries(8):  # session, user, 3 aggregates (+ savepoints)
        response = client.get(f"{URL}?by=published&weeks=4")
    assert response.status_code == 200
