"""Score parts that cannot be gamed and weigh sensibly: tag stuffing never pays, moods count less
than genres, and the artist's languages are a part of their own."""

import pytest
from rest_framework.test import APIClient

from campaigns.briefs import matching_service
from campaigns.matching import DEFAULT_WEIGHTS, PARTS
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

from .test_matching import ONLY, artist, brief, part, run


def score_of(rec, b=None, **kw) -> float:
    r = run([rec], b, **kw)
    assert len(r.matches) == 1
    return r.matches[0].score


@pytest.mark.parametrize("extra", [[], [5], [5, 6, 7], list(range(5, 40))])
def test_adding_unrelated_genres_never_raises_the_score(extra):
    honest = artist(1, genres=[1])
    stuffed = artist(1, genres=[1, *extra], text="DJ summer vibes")
    honest["text"] = stuffed["text"]
    b = brief(genres=(1, 3), genre_families={5: 50, 6: 60, 7: 70})
    assert score_of(stuffed, b) <= score_of(honest, b)
    assert part(stuffed, "genre", b) == part(honest, "genre", b)


def test_stuffed_genre_names_in_the_text_do_not_count_twice():
    # the genre names of the whole taxonomy are ignore_words: a bio listing genres gains nothing
    b = brief(genres=(1,), text="house techno summer", ignore_words=("house", "techno"))
    plain = artist(1, text="summer")
    stuffed = artist(1, text="summer house techno trance disco")
    assert part(stuffed, "text", b) == part(plain, "text", b)


def test_a_genre_weighs_more_than_several_moods():
    b = brief(genres=(1,), moods=(2, 4, 6))
    genre_only = part(artist(1, genres=[1], moods=[]), "genre", b)
    moods_only = part(artist(1, genres=[9], moods=[2, 4, 6]), "genre", b)
    assert genre_only >= 0.75
    assert moods_only <= 0.25
    assert part(artist(1, genres=[1], moods=[2, 4, 6]), "genre", b) == pytest.approx(1.0)
    # a brief with moods only: the moods are the whole part
    assert part(artist(1, genres=[9], moods=[2]), "genre", brief(genres=(), moods=(2,))) == 1.0


def test_language_is_a_part_unknown_without_data_on_either_side():
    b = brief(languages=("fr",))
    assert part(artist(1, languages=["fr", "en"]), "language", b) == 1.0
    assert part(artist(1, languages=["en"]), "language", b) == 0.0
    r = run([artist(1)], b, weights={**ONLY, "language": 1.0})  # no languages listed
    assert r.matches[0].parts["language"]["known"] is False
    r = run([artist(1, languages=["en"])], brief(), weights={**ONLY, "language": 1.0})
    assert r.matches[0].parts["language"]["known"] is False  # the brief names none


def test_a_singer_in_the_briefs_language_ranks_first_all_else_equal():
    b = brief(languages=("es",))
    r = run([artist(1, languages=["en"]), artist(2, languages=["es"]), artist(3)], b)
    assert [m.artist_id for m in r.matches] == [2, 3, 1]  # unknown is neutral, between


def test_language_has_a_default_weight():
    assert "language" in PARTS and DEFAULT_WEIGHTS["language"] > 0


@pytest.mark.django_db
def test_a_brand_names_the_briefs_languages_and_the_ranking_reads_them(brand, brand_owner):
    brief_obj = BriefFactory(brand=brand)
    BriefDeliverableFactory(brief=brief_obj)
    api = APIClient()
    api.force_authenticate(brand_owner)
    url = f"/api/v1/briefs/{brief_obj.pk}/"
    assert api.patch(url, {"languages": ["xx"]}, format="json").status_code == 400
    assert api.patch(url, {"languages": "fr"}, format="json").status_code == 400
    response = api.patch(url, {"languages": ["fr", "es"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["languages"] == ["fr", "es"]
    brief_obj.refresh_from_db()
    assert brief_obj.languages == ["fr", "es"]
    assert list(matching_service.brief_query(brief_obj).languages) == ["fr", "es"]
