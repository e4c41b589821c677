"""Emerging, from more than one signal: a small audience on every platform (monthly listeners
and followers) and a short career (first release year, when known). A veteran with few
followers, or an act with few streams but a large following, is not emerging."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from artists.models import Artist
from campaigns.matching import ArtistSnapshot
from tests.artists.factories import ArtistFactory

from .test_matching import artist, brief, run

THIS_YEAR = dt.date.today().year


def flags(*records, since: int = 0) -> dict[int, bool]:
    r = run(list(records), brief(emerging_share=0.0), emerging_threshold=10_000,
            emerging_since=since)  # fmt: skip
    return {m.artist_id: m.emerging for m in r.matches}


def test_small_audience_and_recent_or_unknown_career_is_emerging():
    got = flags(
        artist(1, monthly_listeners=2_000),  # no first release year: the audience decides
        artist(2, monthly_listeners=2_000, first_release_year=2024),
        since=2019,
    )
    assert got == {1: True, 2: True}


def test_a_veteran_with_few_listeners_is_not_emerging():
    got = flags(
        artist(1, monthly_listeners=2_000, first_release_year=1994),
        artist(2, monthly_listeners=2_000, first_release_year=2019),  # the limit year counts
        since=2019,
    )
    assert got == {1: False, 2: True}


def test_a_large_following_on_any_platform_is_not_emerging():
    got = flags(
        artist(1, monthly_listeners=2_000, followers={"instagram": 250_000}),
        artist(2, monthly_listeners=2_000, followers={"instagram": 9_000}),
    )
    assert got == {1: False, 2: True}


def test_the_snapshot_keeps_the_first_release_year_through_updates_and_columns():
    snap = ArtistSnapshot.from_records([artist(1, first_release_year=2001), artist(2)])
    assert snap.record(1)["first_release_year"] == 2001
    assert snap.record(2)["first_release_year"] is None
    snap = snap.with_updates([artist(2, first_release_year=2020)])
    assert snap.record(2)["first_release_year"] == 2020
    assert snap.compact().record(1)["first_release_year"] == 2001
    from campaigns.matching.snapshot import ArtistColumns

    cols = ArtistSnapshot.from_columns(
        ArtistColumns.from_records([artist(1, first_release_year=2001), artist(2)])
    )
    assert cols.record(1)["first_release_year"] == 2001
    assert cols.record(2)["first_release_year"] is None


@pytest.mark.django_db
@override_settings(AUX_EMERGING_MAX_LISTENERS=50_000, AUX_EMERGING_MAX_CAREER_YEARS=8)
def test_the_profile_the_lists_and_the_engine_agree():
    new = ArtistFactory(monthly_listeners=3_000, first_release_year=THIS_YEAR - 2)
    unknown = ArtistFactory(monthly_listeners=3_000, first_release_year=None)
    veteran = ArtistFactory(monthly_listeners=3_000, first_release_year=THIS_YEAR - 30)
    followed = ArtistFactory(monthly_listeners=3_000, followers={"tiktok": 80_000})
    big = ArtistFactory(monthly_listeners=900_000)
    expected = {new.pk: True, unknown.pk: True, veteran.pk: False, followed.pk: False,
                big.pk: False}  # fmt: skip
    assert {a.pk: a.is_emerging for a in Artist.objects.all()} == expected
    assert set(Artist.objects.emerging().values_list("pk", flat=True)) == {new.pk, unknown.pk}
    assert set(Artist.objects.established().values_list("pk", flat=True)) == {
        veteran.pk, followed.pk, big.pk,
    }  # fmt: skip


@pytest.mark.django_db
def test_the_import_reads_the_first_release_year(tmp_path):
    path = tmp_path / "artists.csv"
    path.write_text(
        "slug,stage_name,monthly_listeners,first_release_year\n"
        "vet,Veteran,3000,1991\nnew,Newcomer,3000,\nbad,Bad,3000,19x1\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_artists", str(path), stdout=out, stderr=err)
    assert "2 created, 0 updated, 1 rejected" in out.getvalue()
    assert "first_release_year" in err.getvalue()
    years = dict(Artist.objects.values_list("slug", "first_release_year"))
    assert years == {"vet": 1991, "new": None}
    assert not Artist.objects.get(slug="vet").is_emerging
