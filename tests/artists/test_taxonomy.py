"""`manage.py seed_taxonomy`: an empty production database gets the standard taxonomy, once."""

import io

import pytest
from django.core.management import call_command

from artists.models import DeliverableType, Genre, Mood
from brands.models import BrandCategory

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_taxonomy", stdout=out)
    return out.getvalue()


def test_seed_taxonomy_loads_genres_moods_deliverables_and_categories_into_an_empty_database():
    assert not Genre.objects.exists()
    out = _seed()

    genres = set(Genre.objects.values_list("slug", flat=True))
    # The families the catalogue lacked (issue 15): rock, metal, regional Mexican, Brazilian,
    # Indian, Arabic, J-pop, gospel.
    assert {"rock", "metal", "regional-mexican", "brazilian", "indian", "arabic", "j-pop",
            "gospel", "house", "hip-hop"} <= genres  # fmt: skip
    assert Mood.objects.filter(slug="euphoric").exists()
    assert DeliverableType.objects.get(slug="live-show").description
    assert BrandCategory.objects.filter(slug="alcohol").exists()
    assert f"{len(genres)} genres" in out and "created" in out


def test_seed_taxonomy_twice_creates_nothing_new_and_keeps_staff_renames():
    _seed()
    Genre.objects.filter(slug="house").update(name="House music")
    counts = [m.objects.count() for m in (Genre, Mood, DeliverableType, BrandCategory)]

    out = _seed()

    assert [m.objects.count() for m in (Genre, Mood, DeliverableType, BrandCategory)] == counts
    assert Genre.objects.get(slug="house").name == "House music"
    assert "(0 created)" in out


def test_the_demo_seeds_the_same_taxonomy_as_the_command():
    from aux.demo import _taxonomy

    _seed()
    counts = [m.objects.count() for m in (Genre, Mood, DeliverableType, BrandCategory)]
    tax = _taxonomy()
    assert [m.objects.count() for m in (Genre, Mood, DeliverableType, BrandCategory)] == counts
    assert set(tax["genres"]) == set(Genre.objects.values_list("slug", flat=True))


def test_seed_taxonomy_puts_sub_genres_under_their_family_and_keeps_staff_changes():
    _seed()
    parent = dict(Genre.objects.values_list("slug", "parent__slug"))
    assert parent["reggaeton"] == "latin"
    assert parent["trap"] == "hip-hop" and parent["grime"] == "hip-hop"
    assert parent["deep-house"] == "house" and parent["house"] == "electronic"
    assert parent["k-pop"] == "pop" and parent["latin"] is None
    Genre.objects.filter(slug="trap").update(parent=None)  # staff detached it
    Genre.objects.filter(slug="grime").update(parent=Genre.objects.get(slug="electronic"))
    _seed()
    parent = dict(Genre.objects.values_list("slug", "parent__slug"))
    assert parent["grime"] == "electronic"  # a staff choice is never overwritten
    assert parent["trap"] is None


def test_taxonomy_names_read_in_french_on_french_pages_and_rows_staff_add_fall_back_to_english():
    from django.utils import translation

    _seed()
    live, alcohol = (
        DeliverableType.objects.get(slug="live-show"),
        BrandCategory.objects.get(slug="alcohol"),
    )
    added = Genre.objects.create(name="Hyperpop", slug="hyperpop")  # no French name yet
    with translation.override("fr"):
        assert (str(live), str(alcohol), str(Mood.objects.get(slug="dreamy"))) == (
            "Concert", "Alcool", "Rêveur",
        )  # fmt: skip
        assert str(Genre.objects.get(slug="electronic")) == "Électronique"
        assert str(added) == "Hyperpop"
    with translation.override("en"):
        assert (str(live), str(alcohol)) == ("Live show", "Alcohol")


def test_seeding_again_keeps_the_french_name_staff_wrote():
    _seed()
    Genre.objects.filter(slug="latin").update(name_fr="Latino")
    _seed()
    assert Genre.objects.get(slug="latin").name_fr == "Latino"
