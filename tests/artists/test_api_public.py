"""Public read-only artist API: search (the page's ArtistFilter), profile, taxonomy, schema."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from artists.api.views import ArtistViewSet
from artists.models import AgeShare, AudienceShare, MediaLink
from tests.artists.factories import ArtistFactory
from tests.artists.test_discovery import QUERY_BOUND, _crowd, make_world
from tests.brands.factories import BrandFactory

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [a["slug"] for a in response.json()["results"]]


# The API takes max_fee in minor units (cents); everything else as on the page.
API_CASES = [
    ("", ["neon-parade", "golden-rivers", "velvet-harbor"]),
    ("genre=house&genre=techno", ["neon-parade", "golden-rivers", "velvet-harbor"]),
    ("genre=jazz", ["golden-rivers"]),
    ("mood=chill", ["golden-rivers", "velvet-harbor"]),
    ("country=DE", ["velvet-harbor"]),
    ("language=de", ["velvet-harbor"]),
    ("listeners_min=60000&listeners_max=60000", ["golden-rivers"]),
    ("emerging=true", ["velvet-harbor"]),
    ("emerging=0", ["neon-parade", "golden-rivers"]),
    ("verified=true", ["neon-parade", "golden-rivers"]),
    ("deliverable=dj-set&max_fee=50000", ["velvet-harbor"]),
    ("deliverable=dj-set&max_fee=49999", []),
    ("available_on=2027-01-10", ["neon-parade", "golden-rivers"]),
    ("sort=fee", ["velvet-harbor", "golden-rivers", "neon-parade"]),
    ("q=night", ["neon-parade", "velvet-harbor"]),  # "night buses", "late-night"
    ("q=house&sort=audience", ["golden-rivers", "velvet-harbor"]),
]


@pytest.mark.parametrize(("query", "expected"), API_CASES)
def test_each_filter_and_sort_in_the_api_lists_exactly_the_matching_artists(
    client, query, expected
):
    make_world()
    response = client.get(f"/api/v1/artists/?{query}")
    assert response.status_code == 200
    if query.startswith("q=night"):
        assert sorted(slugs(response)) == sorted(expected)
    else:
        assert slugs(response) == expected


def test_list_is_paginated_with_count_next_previous_results(client):
    make_world()
    first = client.get("/api/v1/artists/?page_size=2").json()
    assert set(first) == {"count", "count_is_exact", "next", "previous", "results"}
    assert first["count_is_exact"] is True
    assert first["count"] == 3
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "page_size=2" in first["next"]
    second = client.get(first["next"]).json()
    assert [a["slug"] for a in second["results"]] == ["velvet-harbor"]
    assert second["next"] is None


def test_list_item_carries_card_data_and_the_fee_for_the_chosen_deliverable(client):
    make_world()
    item = client.get("/api/v1/artists/?country=DE&deliverable=live-show").json()["results"][0]
    assert item["stage_name"] == "Velvet Harbor"
    assert item["is_emerging"] is True
    assert item["verified"] is False
    assert item["country"] == "DE"
    assert item["languages"] == ["de", "en"]
    assert item["genres"] == [{"slug": "house", "name": "House"}]
    assert item["url"].endswith("/api/v1/artists/velvet-harbor/")
    assert item["fee_from"] == {
        "deliverable_type": {"slug": "live-show", "name": "Live show"},
        "min_fee": 300_000,
        "currency": "EUR",
    }
    cheapest = client.get("/api/v1/artists/?country=DE").json()["results"][0]["fee_from"]
    assert cheapest["min_fee"] == 50_000


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("genre=nope", "genre"),
        ("mood=nope", "mood"),
        ("available_on=tomorrow", "available_on"),
        ("listeners_min=-3", "listeners_min"),
        ("listeners_max=1.5", "listeners_max"),
        ("max_fee=-1", "max_fee"),
        ("deliverable=teleport", "deliverable"),
        ("country=ZZ", "country"),
        ("language=xyz", "language"),
        ("emerging=perhaps", "emerging"),
        ("verified=2", "verified"),
        ("sort=cheapest", "sort"),
    ],
)
def test_invalid_filter_values_are_a_400_with_the_error_shape(client, query, field):
    make_world()
    response = client.get(f"/api/v1/artists/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0]
    assert body["detail"].startswith(f"{field}: ")


def test_detail_is_the_public_profile(client):
    world = make_world()
    velvet = world["velvet"]
    MediaLink.objects.create(artist=velvet, kind="track", url="https://music.example/t/1")
    AudienceShare.objects.create(artist=velvet, country="DE", share=Decimal("0.6"))
    AudienceShare.objects.create(artist=velvet, country="FR", share=Decimal("0.2"))
    AgeShare.objects.create(artist=velvet, bucket="18-24", share=Decimal("0.5"))
    response = client.get("/api/v1/artists/velvet-harbor/")
    assert response.status_code == 200
    data = response.json()
    assert data["stage_name"] == "Velvet Harbor"
    assert data["bio"] == "Known for hypnotic late-night sets."
    assert data["moods"] == [{"slug": "chill", "name": "Chill"}]
    assert [r["deliverable_type"]["slug"] for r in data["rates"]] == ["dj-set", "live-show"]
    assert data["rates"][0] == {
        "deliverable_type": {"slug": "dj-set", "name": "DJ set"},
        "min_fee": 50_000,
        "currency": "EUR",
    }
    assert data["media_links"] == [
        {"kind": "track", "title": "", "url": "https://music.example/t/1"}
    ]
    assert data["audience"] == {
        "countries": [{"country": "DE", "share": 0.6}, {"country": "FR", "share": 0.2}],
        "ages": [{"bucket": "18-24", "share": 0.5}],
    }
    assert data["is_emerging"] is True
    assert data["verified"] is False
    assert "user" not in data
    assert "email" not in str(data)


def test_detail_of_an_unknown_artist_is_a_404_in_the_error_shape(client):
    response = client.get("/api/v1/artists/nobody-here/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_artists_me_is_left_to_the_own_profile_api():
    try:
        match = resolve("/api/v1/artists/me/")
    except Resolver404:
        return
    assert getattr(match.func, "cls", None) is not ArtistViewSet


def test_an_artist_whose_slug_starts_with_me_is_still_found(client):
    make_world()
    ArtistFactory(slug="meadow", stage_name="Meadow")
    assert client.get("/api/v1/artists/meadow/").json()["stage_name"] == "Meadow"


def test_api_is_read_only(client, artist_user):
    make_world()
    client.force_login(artist_user)
    assert client.post("/api/v1/artists/", {}).status_code == 405
    assert client.delete("/api/v1/artists/velvet-harbor/").status_code == 405


def test_taxonomy_lists_the_four_vocabularies(client):
    make_world()
    brand = BrandFactory()
    data = client.get("/api/v1/taxonomy/").json()
    assert {"slug": "house", "name": "House"} in data["genres"]
    assert {"slug": "dark", "name": "Dark"} in data["moods"]
    assert [d["slug"] for d in data["deliverable_types"]] == ["dj-set", "live-show"]
    assert {"description"} <= set(data["deliverable_types"][0])
    if brand.category is not None:
        assert brand.category.slug in [c["slug"] for c in data["brand_categories"]]
    assert isinstance(data["brand_categories"], list)


@pytest.mark.parametrize("size", [5, 50])
def test_api_runs_a_bounded_number_of_queries_whatever_the_page_size(
    client, django_assert_max_num_queries, size
):
    _crowd(size)
    url = f"/api/v1/artists/?page_size={size}&genre=g0&sort=fee&deliverable=d1&q=artist"
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url)
    assert len(response.json()["results"]) == size


def test_detail_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _crowd(1)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/artists/crowd-0/").status_code == 200


def test_artist_api_schema_has_no_warnings_and_validates():
    """The discovery endpoints alone (the whole-schema test below also covers other apps)."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("artists.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache
    params = {p["name"]: p for p in schema["paths"]["/api/v1/artists/"]["get"]["parameters"]}
    assert {"q", "genre", "mood", "country", "language", "listeners_min", "listeners_max",
            "emerging", "deliverable", "max_fee", "available_on", "verified", "sort",
            "page", "page_size"} <= set(params)  # fmt: skip
    assert params["genre"]["schema"]["type"] == "array"
    # A blank query value is no filter (aux.api.schema), so typed ones also allow "".
    assert params["max_fee"]["schema"]["anyOf"][0]["type"] == "integer"
    assert params["available_on"]["schema"]["anyOf"][0]["format"] == "date"
    assert {"type": "string", "maxLength": 0} in params["max_fee"]["schema"]["anyOf"]
    assert "400" in schema["paths"]["/api/v1/artists/"]["get"]["responses"]


def test_openapi_schema_builds_and_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/artists/{slug}/" in text
    assert "/api/v1/taxonomy/" in text


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "<style" not in body
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert client.get("/api/docs/?script=").status_code == 200
