"""Artist discovery: ArtistFilter (search, every filter, sort) on the /artists/ page.

Run on PostgreSQL through scripts/test.sh: full-text search, the GIN index and JSON `contains`
are PostgreSQL paths; on SQLite the same tests exercise the LIKE fallback.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from artists.models import Artist, Rate, Unavailability
from artists.services import artists_search_tags_refresh
from tests.artists.factories import (
    ArtistFactory,
    DeliverableTypeFactory,
    GenreFactory,
    MoodFactory,
)

pytestmark = pytest.mark.django_db

QUERY_BOUND = 10  # the page and the API share it, whatever the page size


def make_world():
    """Three artists that differ on every filter; returns them by slug."""
    house = GenreFactory(name="House", slug="house")
    techno = GenreFactory(name="Techno", slug="techno")
    jazz = GenreFactory(name="Jazz", slug="jazz")
    chill = MoodFactory(name="Chill", slug="chill")
    dark = MoodFactory(name="Dark", slug="dark")
    dj = DeliverableTypeFactory(name="DJ set", slug="dj-set")
    live = DeliverableTypeFactory(name="Live show", slug="live-show")

    velvet = ArtistFactory(
        stage_name="Velvet Harbor",
        slug="velvet-harbor",
        bio="Known for hypnotic late-night sets.",
        country="DE",
        languages=["de", "en"],
        monthly_listeners=10_000,
        verified=False,
    )
    velvet.genres.set([house])
    velvet.moods.set([chill])
    Rate.objects.create(artist=velvet, deliverable_type=dj, min_fee=50_000, currency="EUR")
    Rate.objects.create(artist=velvet, deliverable_type=live, min_fee=300_000, currency="EUR")
    Unavailability.objects.create(artist=velvet, start=date(2027, 1, 10), end=date(2027, 1, 20))

    neon = ArtistFactory(
        stage_name="Neon Parade",
        slug="neon-parade",
        bio="Writes songs about night buses and first loves.",
        country="FR",
        languages=["fr"],
        monthly_listeners=900_000,
        verified=True,
    )
    neon.genres.set([techno])
    neon.moods.set([dark])
    Rate.objects.create(artist=neon, deliverable_type=dj, min_fee=200_000, currency="EUR")

    golden = ArtistFactory(
        stage_name="Golden Rivers",
        slug="golden-rivers",
        bio="Blends live instruments with club production; a velvet voice.",
        country="US",
        languages=["en"],
        monthly_listeners=60_000,
        verified=True,
    )
    golden.genres.set([jazz, house])
    golden.moods.set([chill])
    Rate.objects.create(artist=golden, deliverable_type=live, min_fee=100_000, currency="USD")
    return {"velvet": velvet, "neon": neon, "golden": golden}


def listed_slugs(response) -> list[str]:
    return re.findall(r'data-slug="([^"]+)"', response.content.decode())


# Every filter and sort, through the page (max_fee in major units here; the API's test uses cents).
PAGE_CASES = [
    ("", ["neon-parade", "golden-rivers", "velvet-harbor"]),  # default sort: audience
    ("sort=audience", ["neon-parade", "golden-rivers", "velvet-harbor"]),
    ("genre=house", ["golden-rivers", "velvet-harbor"]),
    ("genre=techno&genre=jazz", ["neon-parade", "golden-rivers"]),
    ("mood=dark", ["neon-parade"]),
    ("mood=chill&genre=jazz", ["golden-rivers"]),
    ("country=FR", ["neon-parade"]),
    ("language=en", ["golden-rivers", "velvet-harbor"]),
    ("language=FR", ["neon-parade"]),
    ("listeners_min=50000", ["neon-parade", "golden-rivers"]),
    ("listeners_max=60000", ["golden-rivers", "velvet-harbor"]),
    ("listeners_min=20000&listeners_max=100000", ["golden-rivers"]),
    ("emerging=true", ["velvet-harbor"]),
    ("emerging=false", ["neon-parade", "golden-rivers"]),
    ("verified=on", ["neon-parade", "golden-rivers"]),
    ("verified=false", ["velvet-harbor"]),
    ("deliverable=dj-set", ["neon-parade", "velvet-harbor"]),
    ("deliverable=dj-set&max_fee=1000", ["velvet-harbor"]),
    ("max_fee=1000", ["golden-rivers", "velvet-harbor"]),  # any rate at most €1,000
    ("deliverable=live-show&max_fee=2000", ["golden-rivers"]),
    ("available_on=2027-01-15", ["neon-parade", "golden-rivers"]),
    ("available_on=2027-01-21", ["neon-parade", "golden-rivers", "velvet-harbor"]),
    ("sort=fee", ["velvet-harbor", "golden-rivers", "neon-parade"]),  # 500, 1,000, 2,000
    ("sort=fee&deliverable=live-show", ["golden-rivers", "velvet-harbor"]),
    ("sort=fee&deliverable=dj-set", ["velvet-harbor", "neon-parade"]),
    ("sort=relevance", ["neon-parade", "golden-rivers", "velvet-harbor"]),  # no q: audience
]


@pytest.mark.parametrize(("query", "expected"), PAGE_CASES)
def test_each_filter_and_sort_on_the_page_lists_exactly_the_matching_artists(
    client, query, expected
):
    make_world()
    response = client.get(f"/artists/?{query}")
    assert response.status_code == 200
    assert listed_slugs(response) == expected


def test_search_matches_words_of_the_bio(client):
    make_world()
    assert listed_slugs(client.get("/artists/?q=night+buses")) == ["neon-parade"]


def test_search_matches_genre_and_mood_names(client):
    make_world()
    assert listed_slugs(client.get("/artists/?q=jazz")) == ["golden-rivers"]
    assert listed_slugs(client.get("/artists/?q=dark")) == ["neon-parade"]


def test_search_needs_every_word_and_takes_prefixes(client):
    make_world()
    assert listed_slugs(client.get("/artists/?q=hypno+late")) == ["velvet-harbor"]
    assert listed_slugs(client.get("/artists/?q=hypnotic+techno")) == []


def test_search_ignores_punctuation_that_would_break_a_tsquery(client):
    make_world()
    response = client.get("/artists/?q=velvet%20%26%7C!(%27:*")
    assert response.status_code == 200
    assert set(listed_slugs(response)) == {"velvet-harbor", "golden-rivers"}


def test_search_follows_genre_changes_made_after_the_artist_was_created(client):
    world = make_world()
    world["neon"].genres.add(GenreFactory(name="Afrobeats", slug="afrobeats"))
    assert listed_slugs(client.get("/artists/?q=afrobeats")) == ["neon-parade"]


def test_bulk_written_genres_are_searchable_after_the_refresh(client):
    world = make_world()
    afro = GenreFactory(name="Afrobeats", slug="afrobeats")
    Artist.genres.through.objects.bulk_create(
        [Artist.genres.through(artist=world["velvet"], genre=afro)]
    )
    assert listed_slugs(client.get("/artists/?q=afrobeats")) == []  # no signal on bulk paths
    artists_search_tags_refresh(artist_ids=[world["velvet"].pk])
    assert listed_slugs(client.get("/artists/?q=afrobeats")) == ["velvet-harbor"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking needs PostgreSQL")
def test_relevance_ranks_a_stage_name_match_above_a_bio_match(client):
    make_world()
    # "velvet" is Velvet Harbor's name (weight A) but only in Golden Rivers' bio (weight C),
    # although Golden Rivers has the larger audience.
    assert listed_slugs(client.get("/artists/?q=velvet")) == ["velvet-harbor", "golden-rivers"]
    assert listed_slugs(client.get("/artists/?q=velvet&sort=audience")) == [
        "golden-rivers",
        "velvet-harbor",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN index exists on PostgreSQL")
def test_full_text_search_uses_the_gin_index(client):
    from artists.filters import ArtistFilter

    make_world()
    qs = ArtistFilter({"q": "velvet"}, queryset=Artist.objects.all()).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "artist_search_gin" in plan


@pytest.mark.parametrize(
    ("query", "field_message"),
    [
        ("genre=not-a-genre", "Genres: Select a valid choice."),
        ("mood=nope", "Moods: Select a valid choice."),
        ("available_on=2027-13-45", "Available on: Enter a valid date."),
        ("listeners_min=-1", "Monthly listeners from: Ensure this value is greater than"),
        ("max_fee=-5", "Max fee: Ensure this value is greater than or equal to 0."),
        ("max_fee=abc", "Max fee: Enter a whole number."),
        ("country=XX", "Country: Select a valid choice."),
        ("language=english", "Language:"),
        ("deliverable=teleport", "Deliverable: Select a valid choice."),
        ("sort=random", "Sort by: Select a valid choice."),
        ("emerging=maybe", "Emerging artists only: Use true or false."),
    ],
)
def test_invalid_filter_shows_a_form_error_and_no_results(client, query, field_message):
    make_world()
    response = client.get(f"/artists/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some filters are not valid" in body
    assert field_message in body.replace("&#x27;", "'")
    assert listed_slugs(response) == []


def test_page_shows_count_fee_from_and_empty_state(client):
    make_world()
    body = client.get("/artists/?deliverable=live-show&sort=fee").content.decode()
    assert "2 artists found" in body
    assert "from $1,000 · Live show" in body
    empty = client.get("/artists/?q=zzzzzz").content.decode()
    assert "0 artists found" in empty
    assert "No artist matches these filters" in empty


def test_pages_of_results_keep_the_filters_in_their_links(client):
    for i in range(5):
        ArtistFactory(slug=f"a-{i}", country="SE", monthly_listeners=1000 + i)
    response = client.get("/artists/?country=SE&page_size=2")
    assert listed_slugs(response) == ["a-4", "a-3"]
    body = response.content.decode()
    assert "Page 1 of 3" in body
    assert 'href="?country=SE&amp;page_size=2&amp;page=2"' in body
    assert listed_slugs(client.get("/artists/?country=SE&page_size=2&page=3")) == ["a-0"]


def test_htmx_request_gets_only_the_results_fragment(client):
    make_world()
    response = client.get("/artists/?genre=techno", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "<form" not in body
    assert "1 artist found" in body
    assert listed_slugs(response) == ["neon-parade"]
    assert "HX-Request" in response["Vary"]


def test_the_same_url_loaded_directly_renders_the_whole_page_with_the_filters_filled(client):
    make_world()
    body = client.get("/artists/?genre=techno&q=night").content.decode()
    assert "<html" in body
    assert 'id="artist-filters"' in body
    assert 'value="night"' in body
    assert re.search(r'value="techno"[^>]*checked', body)


def test_the_filter_widgets_keep_the_choices_and_offer_one_any_country(client):
    make_world()
    body = client.get("/artists/?genre=techno&genre=house&country=DE").content.decode()
    checked = re.findall(
        r'<input type="checkbox" name="genre" value="([^"]+)" id="id_genre_\d+" checked>', body
    )
    assert sorted(checked) == ["house", "techno"]
    assert re.findall(r'<option value="">([^<]*)</option>', body) == ["Any country"]
    assert '<option value="DE" selected>Germany</option>' in body


def test_htmx_history_restore_gets_the_whole_page(client):
    response = client.get(
        "/artists/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def _crowd(n: int) -> None:
    genres = [GenreFactory(name=f"G{i}", slug=f"g{i}") for i in range(3)]
    moods = [MoodFactory(name=f"M{i}", slug=f"m{i}") for i in range(2)]
    kinds = [DeliverableTypeFactory(name=f"D{i}", slug=f"d{i}") for i in range(2)]
    for i in range(n):
        artist = ArtistFactory(slug=f"crowd-{i}", monthly_listeners=1000 + i)
        artist.genres.set(genres)
        artist.moods.set(moods)
        for kind in kinds:
            Rate.objects.create(artist=artist, deliverable_type=kind, min_fee=10_000 + i)


@pytest.mark.parametrize("size", [5, 50])
def test_page_runs_a_bounded_number_of_queries_whatever_the_page_size(
    client, django_assert_max_num_queries, size
):
    _crowd(size)
    url = f"/artists/?page_size={size}&genre=g0&sort=fee&deliverable=d1&q=artist"
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url)
    assert len(listed_slugs(response)) == size


def test_page_query_count_does_not_grow_with_the_page_size(client):
    _crowd(50)
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/artists/?page_size={size}&genre=g0")
        counts.append(len(ctx))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_search_page_speaks_to_people_not_to_integrators(client, lang):
    # The API's help texts (slugs, ISO codes, minor units, formats) once showed on the page.
    ArtistFactory()
    page = client.get("/artists/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", " ", page.content.decode()).lower()  # what is read, not markup
    for word in ("slug", "iso 3166", "iso 639", "minor units", "yyyy-mm-dd", "(with q"):
        assert word not in text, (lang, word)
    # The API documents them still.
    schema = client.get("/api/schema/").content.decode()
    assert "ISO 3166-1 alpha-2" in schema
