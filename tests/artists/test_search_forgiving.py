"""Artist search that forgives accents and typos, ranks an exact name first, and compares fees
after currency conversion (issues 17 and 20). Run on PostgreSQL by scripts/test.sh (unaccent,
pg_trgm, stemming); the pure-Python pieces the SQLite demo uses are tested at the end."""

import pytest
from django.db import connection

from artists.models import Artist, Rate
from artists.search import fold, trigram_similarity
from artists.services import artist_set_rates, artists_fees_refresh
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory
from tests.artists.test_discovery import listed_slugs

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="unaccent, pg_trgm and stemming are PostgreSQL's"
)


def api_slugs(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/artists/?{query}")
    assert response.status_code == 200, response.content
    return [a["slug"] for a in response.json()["results"]]


@pytest.fixture
def accents_world():
    ArtistFactory(stage_name="Zoé Lune", slug="zoe-lune", bio="Dream pop.", monthly_listeners=5)
    ArtistFactory(stage_name="Zoe Ray", slug="zoe-ray", bio="Folk.", monthly_listeners=4)
    ArtistFactory(
        stage_name="Ana Brasil",
        slug="ana-brasil",
        city="São Paulo",
        bio="Électro et samba, née à São Paulo.",
        monthly_listeners=3,
    )
    ArtistFactory(
        stage_name="Plain Eddie", slug="plain-eddie", bio="Electro for the masses.",
        monthly_listeners=2,
    )  # fmt: skip


@on_postgresql
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Zoe", ["zoe-lune", "zoe-ray"]),  # no accent typed: finds the accented name too
        ("Zoé", ["zoe-lune", "zoe-ray"]),  # accent typed: finds the plain name too
        ("ZOÉ", ["zoe-lune", "zoe-ray"]),
        ("Sao Paulo", ["ana-brasil"]),
        ("São Paulo", ["ana-brasil"]),
        ("electro", ["ana-brasil", "plain-eddie"]),
        ("électro", ["ana-brasil", "plain-eddie"]),
    ],
)
def test_search_forgives_accents_in_the_query_and_in_the_profile(
    client, accents_world, query, expected
):
    assert sorted(listed_slugs(client.get("/artists/", {"q": query}))) == expected
    assert sorted(api_slugs(client, f"q={query}")) == expected


@on_postgresql
def test_search_finds_a_stage_name_with_a_typo(client):
    ArtistFactory(stage_name="Peggy Gou", slug="peggy-gou", monthly_listeners=10)
    ArtistFactory(stage_name="Peggy Lee Band", slug="peggy-lee", monthly_listeners=20)
    ArtistFactory(stage_name="Golden Rivers", slug="golden-rivers", monthly_listeners=30)
    assert listed_slugs(client.get("/artists/?q=Peggi+Gou")) == ["peggy-gou"]
    assert api_slugs(client, "q=peggi%20gou") == ["peggy-gou"]
    assert listed_slugs(client.get("/artists/?q=Goldn+Rivers")) == ["golden-rivers"]


@on_postgresql
def test_an_exact_stage_name_ranks_first(client):
    ArtistFactory(stage_name="Nova", slug="nova", bio="Singer.", monthly_listeners=10)
    ArtistFactory(
        stage_name="Nova Nova Collective", slug="nova-collective",
        bio="Nova nova nova: the nova sound.", monthly_listeners=900_000,
    )  # fmt: skip
    ArtistFactory(stage_name="Bossa Novak", slug="bossa", bio="Nova.", monthly_listeners=800_000)
    assert listed_slugs(client.get("/artists/?q=nova"))[0] == "nova"
    assert listed_slugs(client.get("/artists/?q=Nóva"))[0] == "nova"
    assert api_slugs(client, "q=NOVA")[0] == "nova"


@on_postgresql
def test_bios_are_stemmed_in_english_and_french(client):
    ArtistFactory(stage_name="A", slug="a", bio="She plays concerts in small clubs.")
    ArtistFactory(stage_name="B", slug="b", bio="Chanteuses et musiciennes de Lyon.")
    assert listed_slugs(client.get("/artists/?q=concert+club")) == ["a"]
    assert listed_slugs(client.get("/artists/?q=musicienne")) == ["b"]


# --- fees: converted with AUX_FX_RATES (1 USD = 0.92 EUR, 1 GBP = 1.17 EUR in the tests) --------


@pytest.fixture
def fees_world(settings):
    settings.AUX_FX_RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}
    dj = DeliverableTypeFactory(name="DJ set", slug="dj-set")
    post = DeliverableTypeFactory(name="Social post", slug="social-post")
    pounds = ArtistFactory(stage_name="Pounds", slug="pounds", monthly_listeners=3)
    dollars = ArtistFactory(stage_name="Dollars", slug="dollars", monthly_listeners=2)
    euros = ArtistFactory(stage_name="Euros", slug="euros", monthly_listeners=1)
    Rate.objects.create(artist=pounds, deliverable_type=dj, min_fee=90_000, currency="GBP")
    Rate.objects.create(artist=dollars, deliverable_type=dj, min_fee=110_000, currency="USD")
    Rate.objects.create(artist=euros, deliverable_type=dj, min_fee=100_000, currency="EUR")
    Rate.objects.create(artist=euros, deliverable_type=post, min_fee=500_000, currency="EUR")
    # In EUR: pounds £900 = €1,053; dollars $1,100 = €1,012; euros €1,000.


def test_the_lowest_fee_is_stored_converted_to_eur(fees_world):
    fees = dict(Artist.objects.values_list("slug", "lowest_fee_eur"))
    assert fees == {"pounds": 105_300, "dollars": 101_200, "euros": 100_000}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("max_fee=1000", ["euros"]),  # €1,000: $1,100 is €1,012, £900 is €1,053
        ("max_fee=1020", ["dollars", "euros"]),
        ("max_fee=1020&currency=EUR", ["dollars", "euros"]),
        ("max_fee=1100&currency=USD", ["dollars", "euros"]),  # €1,000 = $1,087; £900 = $1,145
        ("max_fee=900&currency=GBP", ["dollars", "euros", "pounds"]),  # €1,000 = £855, $ = £865
        ("max_fee=860&currency=GBP", ["euros"]),
        ("max_fee=1000&deliverable=dj-set", ["euros"]),
        ("max_fee=860&currency=GBP&deliverable=dj-set", ["euros"]),
        ("max_fee=1100&currency=USD&deliverable=dj-set", ["dollars", "euros"]),
        ("max_fee=5000&deliverable=social-post", ["euros"]),
        ("sort=fee", ["euros", "dollars", "pounds"]),
        ("sort=fee&deliverable=dj-set", ["euros", "dollars", "pounds"]),
    ],
)
def test_max_fee_and_fee_sort_convert_currencies_like_the_engine(
    client, fees_world, query, expected
):
    assert sorted(listed_slugs(client.get(f"/artists/?{query}"))) == sorted(expected)
    if query.startswith("sort"):
        assert listed_slugs(client.get(f"/artists/?{query}")) == expected


def test_the_api_max_fee_is_in_minor_units_of_its_currency(client, fees_world):
    assert sorted(api_slugs(client, "max_fee=102000")) == ["dollars", "euros"]
    assert api_slugs(client, "max_fee=86000&currency=GBP") == ["euros"]  # $1,100 = £865
    response = client.get("/api/v1/artists/?max_fee=1&currency=XYZ")
    assert response.status_code == 400
    assert "currency" in response.json()["errors"]


def test_the_stored_fee_follows_rate_changes(fees_world):
    euros = Artist.objects.get(slug="euros")
    artist_set_rates(
        artist=euros,
        actor=euros.user,
        rates=[{"deliverable_type": "dj-set", "min_fee": 50_000, "currency": "USD"}],
    )
    assert Artist.objects.get(slug="euros").lowest_fee_eur == 46_000
    Rate.objects.filter(artist=euros).get().delete()
    assert Artist.objects.get(slug="euros").lowest_fee_eur is None
    Artist.objects.filter(slug="pounds").update(lowest_fee_eur=1)  # e.g. AUX_FX_RATES changed
    assert artists_fees_refresh() == 1
    assert Artist.objects.get(slug="pounds").lowest_fee_eur == 105_300


# --- the SQLite demo's stand-ins ------------------------------------------------------------------


def test_fold_strips_accents_and_case_like_unaccent():
    assert fold("Zoé ÉLECTRO São Paulo Œuvre Straße") == "zoe electro sao paulo oeuvre strasse"
    assert fold(None) == ""


def test_trigram_similarity_matches_pg_trgm():
    assert trigram_similarity("Peggi Gou", "Peggy Gou") == pytest.approx(8 / 12)
    assert trigram_similarity("Zoé", "zoe") == 1.0
    assert trigram_similarity("", "x") == 0.0
