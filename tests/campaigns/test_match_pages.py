"""The brand's match page and the matches API: explanations, shortlist, compare, permissions."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.briefs import matching_service
from campaigns.briefs.models import Shortlist
from tests.brands.factories import BrandFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(world):
    brief, artists, _ = world
    matching_service.matches_recompute(brief=brief)
    member = MembershipFactory(brand=brief.brand, role="viewer").user
    return brief, artists, member


def test_match_page_shows_scores_bars_why_and_filter_counts(client, ranked):
    brief, _artists, member = ranked
    client.force_login(member)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    for name in ("star", "mid", "fresh"):
        assert f">{name}</strong>" in html
    assert "<svg" in html and "Why star matches" in html
    assert "Why this score" in html and "Genre &amp; mood" in html
    assert "3 of 5 artists pass the hard filters." in html
    assert '<th scope="row">Does not offer the deliverables asked for</th><td>1</td>' in html


def test_match_page_explains_the_score_out_of_100_no_data_and_the_fairness_rule(client, lifted):
    brief, _artists, _ = lifted
    member = MembershipFactory(brand=brief.brand, role="viewer").user
    client.force_login(member)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert "/100" in html and "How the score works" in html
    assert "no data" in html  # the factories' artists have no reviews, ages or countries
    assert "Audience in territories</td><td>0.00" not in html
    assert html.count("placed here to keep the share of emerging artists") == 1
    assert "1 of the top 3 are emerging artists; you asked for at least 50%." in html
    assert "guaranteed at every position" not in html


def test_matches_api_parts_say_whether_they_are_known_and_who_the_rule_placed(lifted):
    brief, _, _ = lifted
    member = MembershipFactory(brand=brief.brand, role="viewer").user
    api = APIClient()
    api.force_authenticate(member)
    results = api.get(f"/api/v1/briefs/{brief.pk}/matches/").json()["results"]
    assert [r["placed_by_fairness"] for r in results] == [False, True, False]
    parts = results[0]["parts"]
    assert parts["genre"]["known"] is True and parts["genre"]["value"] == 1.0
    assert parts["rating"] == {"value": None, "weight": 1.0, "contribution": 0.0, "known": False}
    assert all(0 <= r["score"] <= 100 for r in results)


def test_match_page_runs_a_bounded_number_of_queries(client, ranked, django_assert_max_num_queries):
    brief, _, member = ranked
    client.force_login(member)
    # 15: the exposures' one INSERT ... ON CONFLICT DO NOTHING (learning from outcomes)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("campaigns:brief_matches", args=[brief.pk])).status_code == 200


def test_shortlist_star_toggles_with_htmx(client, ranked):
    brief, artists, member = ranked
    client.force_login(member)
    url = reverse("campaigns:shortlist_toggle", args=[brief.pk, artists["fresh"].pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "★ Shortlisted" in response.content.decode()
    assert Shortlist.objects.filter(brief=brief, artist=artists["fresh"]).exists()
    assert "☆ Shortlist" in client.post(url, HTTP_HX_REQUEST="true").content.decode()


def test_compare_two_or_three_artists_side_by_side_and_refuse_one_or_four(client, ranked):
    brief, _artists, member = ranked
    client.force_login(member)
    url = reverse("campaigns:compare", args=[brief.pk])
    html = client.get(url, {"artist": ["star", "fresh"]}).content.decode()
    assert "Compare matches" in html and "Audience in territories" in html
    assert html.index(">star</a>") < html.index(">fresh</a>")
    three = client.get(url, {"artist": ["star", "fresh", "mid"]}).content.decode()
    assert three.index(">star</a>") < three.index(">fresh</a>") < three.index(">mid</a>")
    assert three.count("/100</small></td>") == 3  # a third column, not silently dropped
    for picked in (["star"], ["star", "fresh", "mid", "nobody"], ["star", "star"]):
        refused = client.get(url, {"artist": picked})
        assert refused.status_code == 400, picked
        assert "Pick two or three artists" in refused.content.decode()


def test_other_brands_and_artists_cannot_see_the_matches(client, ranked, artist_user):
    brief, _, _ = ranked
    outsider = MembershipFactory(brand=BrandFactory()).user
    for user in (outsider, artist_user):
        client.force_login(user)
        assert client.get(reverse("campaigns:brief_matches", args=[brief.pk])).status_code == 404


def test_matches_api_lists_ranked_artists_with_parts_and_stats(ranked):
    brief, _, member = ranked
    api = APIClient()
    api.force_authenticate(member)
    body = api.get(f"/api/v1/briefs/{brief.pk}/matches/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["rank"] == 1
    assert set(first["parts"]) >= {"genre", "territory", "budget"}
    assert {"value", "weight", "contribution"} <= set(first["parts"]["genre"])
    assert body["stats"]["removed"] == {
        "deliverables": 1, "availability": 1, "category": 0, "budget": 0, "hidden": 0,
    }  # fmt: skip
    assert body["computed_at"]
    assert any(r["emerging"] for r in body["results"])


def test_artist_dashboard_lists_briefs_they_rank_well_for_with_the_why(client, ranked):
    brief, artists, _ = ranked
    client.force_login(artists["fresh"].user)
    dashboard = client.get(reverse("artists:dashboard")).content.decode()
    assert reverse("campaigns:artist_top_briefs") in dashboard  # loaded by htmx
    part = client.get(reverse("campaigns:artist_top_briefs"), HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert brief.title in html and "ranked #" in html and "Strongest parts:" in html
    assert "<html" not in html  # the htmx answer is only the fragment


def test_top_briefs_skip_drafts_and_private_briefs(client, ranked):
    brief, artists, _ = ranked
    brief.visibility = "private"
    brief.save()
    client.force_login(artists["fresh"].user)
    html = client.get(reverse("campaigns:artist_top_briefs")).content.decode()
    assert brief.title not in html
    assert "No published brief ranks you" in html


def test_each_match_on_a_published_brief_has_a_make_an_offer_link(client, ranked):
    brief, _, _ = ranked
    client.force_login(MembershipFactory(brand=brief.brand, role="owner").user)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert f"/briefs/{brief.pk}/offers/new/?artist=star" in html


def test_viewers_get_no_make_an_offer_link(client, ranked):
    brief, _, viewer = ranked
    client.force_login(viewer)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert "/offers/new/" not in html


def test_the_shortlist_has_its_own_list_of_the_starred_matches(client, ranked):
    brief, artists, member = ranked
    client.force_login(member)
    url = reverse("campaigns:brief_matches", args=[brief.pk])
    empty = client.get(url, {"shortlisted": "1"}).content.decode()
    assert "Shortlist (0)" in empty and "No artist shortlisted yet" in empty
    client.post(reverse("campaigns:shortlist_toggle", args=[brief.pk, artists["fresh"].pk]))
    html = client.get(url, {"shortlisted": "1"}).content.decode()
    assert "Shortlist (1)" in html and ">fresh</strong>" in html
    assert ">star</strong>" not in html and ">mid</strong>" not in html
    assert '<a href="?shortlisted=1">' in client.get(url).content.decode()
