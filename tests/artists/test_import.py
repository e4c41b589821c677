"""`manage.py import_artists`: good rows in, bad rows reported (line, field, reason), upsert."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from artists.importing import import_artists
from artists.models import AgeShare, Artist, AudienceShare, MediaLink, Rate, Unavailability
from tests.artists.factories import (
    ArtistFactory,
    DeliverableTypeFactory,
    GenreFactory,
    MoodFactory,
)
from tests.brands.factories import BrandCategoryFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "slug,stage_name,country,city,bio,genres,moods,languages,refused_categories,"
    "monthly_listeners,engagement_rate,followers,verified,rates,audience,ages,media,unavailable"
)


@pytest.fixture
def taxonomy():
    GenreFactory(name="House", slug="house")
    GenreFactory(name="Techno", slug="techno")
    MoodFactory(name="Euphoric", slug="euphoric")
    MoodFactory(name="Dark", slug="dark")
    DeliverableTypeFactory(name="Live show", slug="live-show")
    DeliverableTypeFactory(name="Social post", slug="social-post")
    BrandCategoryFactory(name="Alcohol", slug="alcohol")
    BrandCategoryFactory(name="Gambling", slug="gambling")


def _run(tmp_path, text: str, *args) -> tuple[str, str]:
    path = tmp_path / "artists.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_artists", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = (
    "nova,Nova Sky,DE,Berlin,Deep **house** from Berlin,house;techno,euphoric,en;de,alcohol,"
    "42000,0.051,spotify:42000;instagram:9000,true,live-show:EUR:150000;social-post:EUR:80000,"
    "DE:0.4;FR:0.2,18-24:0.5;25-34:0.3,"
    "track=https://music.example.com/a?x=1;y=2|video=https://video.example.com/b,"
    "2027-07-01..2027-07-14;2027-08-03"
)


def test_a_good_row_creates_a_full_profile(tmp_path, taxonomy):
    out, err = _run(tmp_path, f"{HEADER}\n{GOOD}\n")

    assert "1 created, 0 updated, 0 rejected" in out
    assert err == ""
    artist = Artist.objects.get(slug="nova")
    assert artist.user is None
    assert (artist.stage_name, artist.country.code, artist.city) == ("Nova Sky", "DE", "Berlin")
    assert artist.languages == ["en", "de"]
    # 42k listeners but 51k followers in all: not emerging (artists.models.artist_is_emerging)
    assert artist.monthly_listeners == 42000 and not artist.is_emerging
    assert artist.engagement_rate == Decimal("0.0510")
    assert artist.followers == {"spotify": 42000, "instagram": 9000}
    assert artist.verified and artist.verified_at is not None
    assert sorted(artist.genres.values_list("slug", flat=True)) == ["house", "techno"]
    assert list(artist.moods.values_list("slug", flat=True)) == ["euphoric"]
    assert list(artist.refused_categories.values_list("slug", flat=True)) == ["alcohol"]
    rates = {r.deliverable_type.slug: (r.min_fee, r.currency) for r in artist.rates.all()}
    assert rates == {"live-show": (150000, "EUR"), "social-post": (80000, "EUR")}
    audience = {a.country.code: a.share for a in artist.audience_shares.all()}
    assert audience == {"DE": Decimal("0.4"), "FR": Decimal("0.2")}
    assert {a.bucket: a.share for a in artist.age_shares.all()} == {
        "18-24": Decimal("0.5"),
        "25-34": Decimal("0.3"),
    }
    assert sorted(artist.media_links.values_list("kind", "url")) == [
        ("track", "https://music.example.com/a?x=1;y=2"),
        ("video", "https://video.example.com/b"),
    ]
    periods = [(u.start.isoformat(), u.end.isoformat()) for u in artist.unavailabilities.all()]
    assert periods == [("2027-07-01", "2027-07-14"), ("2027-08-03", "2027-08-03")]
    # Full-text search reads the genre and mood names from the row.
    assert artist.search_tags == "House Techno Euphoric"


BAD_ROWS = [
    ("bad slug!,X", "slug", "letters, digits"),
    ("b1,", "stage_name", "required"),
    ("b2,B2,XX", "country", "ISO-3166"),
    ("b3,B3,,,,polka", "genres", "unknown genres: polka"),
    ("b4,B4,,,,,,klingon", "languages", "unknown language"),
    ("b5,B5,,,,,,,,-5", "monthly_listeners", "whole number"),
    ("b6,B6,,,,,,,,,1.5", "engagement_rate", "between 0 and 1"),
    ("b7,B7,,,,,,,,,,myspace:10", "followers", "unknown platform"),
    ("b8,B8,,,,,,,,,,,maybe", "verified", "true or false"),
    ("b9,B9,,,,,,,,,,,,live-show:EUR:-1", "rates", "whole fee"),
    ("b10,B10,,,,,,,,,,,,live-show:XYZ:100", "rates", "currency"),
    ("b11,B11,,,,,,,,,,,,juggling:EUR:100", "rates", "unknown deliverable"),
    ("b12,B12,,,,,,,,,,,,,DE:0.7;FR:0.6", "audience", "add up to 1.3 (130%)"),
    ("b13,B13,,,,,,,,,,,,,,99-100:0.1", "ages", "Unknown age bucket"),
    ("b14,B14,,,,,,,,,,,,,,,track=javascript:alert(1)", "media", "valid http(s) URL"),
    ("b15,B15,,,,,,,,,,,,,,,,2027-08-10..2027-08-01", "unavailable", "ends before"),
    ("b16,B16,,,,,,,,,,,,,DE:0.12345", "audience", "4 decimal places"),
]


def test_bad_rows_are_reported_with_line_field_and_reason_and_good_rows_still_import(
    tmp_path, taxonomy
):
    lines = [HEADER, GOOD] + [row for row, _f, _r in BAD_ROWS] + ["ok2,Okay Two"]
    errors_csv = tmp_path / "errors.csv"
    out, err = _run(tmp_path, "\n".join(lines) + "\n", "--errors", str(errors_csv))

    assert set(Artist.objects.values_list("slug", flat=True)) == {"nova", "ok2"}
    assert f"2 created, 0 updated, {len(BAD_ROWS)} rejected" in out
    with errors_csv.open(encoding="utf-8") as f:
        report = list(csv.DictReader(f))
    by_line = {int(r["line"]): r for r in report}
    for offset, (_row, field, reason) in enumerate(BAD_ROWS):
        line = 3 + offset  # header is line 1, GOOD is line 2
        assert line in by_line, f"no error reported for line {line} ({field})"
        assert by_line[line]["field"] == field, by_line[line]
        assert reason in by_line[line]["reason"], by_line[line]
        assert f"line {line}" in err
    assert len(report) == len(BAD_ROWS)


def test_one_row_with_several_problems_reports_each(tmp_path, taxonomy):
    _out, err = _run(tmp_path, "slug,stage_name,country,monthly_listeners\nx,,ZZ,many\n")
    assert "line 2 (x), stage_name: required" in err
    assert "line 2 (x), country" in err
    assert "line 2 (x), monthly_listeners" in err


def test_line_numbers_count_multiline_bios(tmp_path, taxonomy):
    text = 'slug,stage_name,bio\na,A,"first\nsecond\nthird"\nb,,no name\n'
    _out, err = _run(tmp_path, text)
    assert "line 5 (b), stage_name: required" in err


def test_a_slug_given_twice_keeps_the_first_and_reports_the_second(tmp_path, taxonomy):
    _out, err = _run(tmp_path, "slug,stage_name\ndup,First\ndup,Second\n")
    assert Artist.objects.get(slug="dup").stage_name == "First"
    assert "line 3 (dup), slug: already given on line 2" in err


def test_upsert_updates_the_existing_artist_and_replaces_lists_and_rates(tmp_path, taxonomy):
    existing = ArtistFactory(slug="nova", stage_name="Old Name", monthly_listeners=5)
    _run(tmp_path, f"{HEADER}\n{GOOD}\n")
    changed = (
        "nova,Nova Sky,FR,Paris,,techno,dark,fr,gambling,900000,0.02,,false,"
        "social-post:GBP:5000,GB:0.9,65+:0.2,,"
    )
    out, _err = _run(tmp_path, f"{HEADER}\n{changed}\n")

    assert "0 created, 1 updated" in out
    artist = Artist.objects.get(slug="nova")
    assert artist.pk == existing.pk and artist.user == existing.user  # same row, still claimed
    assert (artist.country.code, artist.city, artist.bio) == ("FR", "Paris", "")
    assert artist.monthly_listeners == 900000 and not artist.is_emerging
    assert not artist.verified and artist.verified_at is None
    assert list(artist.genres.values_list("slug", flat=True)) == ["techno"]
    assert list(artist.moods.values_list("slug", flat=True)) == ["dark"]
    assert list(artist.refused_categories.values_list("slug", flat=True)) == ["gambling"]
    assert [(r.deliverable_type.slug, r.min_fee, r.currency) for r in Rate.objects.all()] == [
        ("social-post", 5000, "GBP")
    ]
    assert [(a.country.code, a.share) for a in AudienceShare.objects.all()] == [
        ("GB", Decimal("0.9"))
    ]
    assert [a.bucket for a in AgeShare.objects.all()] == ["65+"]
    assert not MediaLink.objects.exists() and not Unavailability.objects.exists()
    assert artist.followers == {}


def test_columns_absent_from_the_header_are_left_alone(tmp_path, taxonomy):
    _run(tmp_path, f"{HEADER}\n{GOOD}\n")
    out, _err = _run(tmp_path, "slug,monthly_listeners\nnova,77\n")
    assert "0 created, 1 updated" in out
    artist = Artist.objects.get(slug="nova")
    assert artist.monthly_listeners == 77
    assert artist.stage_name == "Nova Sky" and artist.genres.count() == 2
    assert artist.rates.count() == 2 and artist.verified


def test_a_new_slug_without_a_stage_name_column_is_rejected(tmp_path, taxonomy):
    _out, err = _run(tmp_path, "slug,monthly_listeners\nghost,77\n")
    assert "line 2 (ghost), stage_name: required for a new artist" in err
    assert not Artist.objects.exists()


def test_importing_the_same_file_twice_gives_the_same_result(tmp_path, taxonomy):
    text = f"{HEADER}\n{GOOD}\n"
    _run(tmp_path, text)
    verified_at = Artist.objects.get().verified_at

    def snapshot():
        artist = Artist.objects.get()
        return (
            artist.stage_name,
            artist.verified_at,
            sorted(artist.genres.values_list("slug", flat=True)),
            sorted(artist.rates.values_list("deliverable_type__slug", "min_fee", "currency")),
            sorted(artist.audience_shares.values_list("country", "share")),
            sorted(artist.media_links.values_list("kind", "url")),
            artist.unavailabilities.count(),
        )

    first = snapshot()
    out, _err = _run(tmp_path, text)
    assert "0 created, 1 updated" in out
    assert snapshot() == first
    assert Artist.objects.get().verified_at == verified_at  # re-verifying keeps the first time
    assert Rate.objects.count() == 2 and AudienceShare.objects.count() == 2


def test_dry_run_checks_but_keeps_nothing(tmp_path, taxonomy):
    out, _err = _run(tmp_path, f"{HEADER}\n{GOOD}\n", "--dry-run")
    assert "Checked 1 rows" in out and "1 created" in out
    assert not Artist.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("slug,stage_name,shoe_size\n", r"Unknown column\(s\): shoe_size"),
        ("stage_name\nX\n", "no `slug` column"),
        ("slug,slug\n", "given twice"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_command_error(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, text)


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_artists", str(tmp_path / "nope.csv"))


def test_import_writes_in_bulk_not_one_save_per_row(taxonomy, django_assert_max_num_queries):
    rows = "\n".join(
        f"a{i},Artist {i},DE,,,house;techno,dark,en,alcohol,{i},0.1,spotify:{i},false,"
        f"live-show:EUR:{i};social-post:EUR:1,DE:0.5,18-24:0.5,track=https://x.example/{i},"
        "2027-01-01..2027-01-02"
        for i in range(300)
    )
    # Taxonomy (4) + per batch: lookup, upsert, ids, 8 related inserts; plus the transaction.
    with django_assert_max_num_queries(25):
        result = import_artists(io.StringIO(f"{HEADER}\n{rows}\n"), batch_size=1000)
    assert result.created == 300 and not result.errors
    assert Rate.objects.count() == 600
    assert Artist.genres.through.objects.count() == 600


# --- Duplicates, the profile's limits, unknown genres (issue 15, item 6) ------------------------


def test_a_slug_given_twice_with_different_figures_is_a_summary_line_naming_the_columns(
    tmp_path, taxonomy
):
    text = "slug,stage_name,monthly_listeners,genres\ndup,First,100,house\ndup,First,200,house\n"
    out, _err = _run(tmp_path, text)

    assert Artist.objects.get(slug="dup").monthly_listeners == 100  # the first row is kept
    assert "line 3 (dup): same slug as line 2, different monthly_listeners; not imported" in out
    assert "1 duplicate" in out


def test_a_row_repeated_identically_is_reported_as_a_duplicate(tmp_path, taxonomy):
    out, _err = _run(tmp_path, "slug,stage_name\ndup,First\nother,Other\ndup,First\n")
    assert "line 4 (dup): same slug as line 2, identical; not imported" in out


def test_two_slugs_with_the_same_name_and_different_figures_are_reported(tmp_path, taxonomy):
    text = "slug,stage_name,monthly_listeners\nnova,Nova Sky,100\nnova-2, nova  SKY ,250\n"
    out, _err = _run(tmp_path, text)

    assert Artist.objects.filter(slug__in=["nova", "nova-2"]).count() == 2
    assert (
        "line 3 (nova-2): same stage name as line 2 (nova), different monthly_listeners; "
        "imported both, check whether they are one artist"
    ) in out


def test_the_import_keeps_the_profile_limit_of_audience_countries(tmp_path, taxonomy):
    from artists.constants import MAX_AUDIENCE_COUNTRIES

    codes = ["DE", "FR", "GB", "US", "NG", "ZA", "BR", "KR", "NL", "ES", "SE", "JP", "MX", "CA",
             "AU", "IT", "PT", "PL", "AT", "CH", "BE", "DK", "NO", "FI", "IE", "CZ", "HU", "RO",
             "GR", "TR", "IN", "CN", "AR", "CL", "CO", "PE", "EG", "MA", "KE", "GH", "SN", "NZ",
             "SG", "TH", "VN", "PH", "ID", "MY", "IL", "AE", "SA"]  # fmt: skip
    assert len(codes) == MAX_AUDIENCE_COUNTRIES + 1
    audience = ";".join(f"{c}:0.01" for c in codes)
    _out, err = _run(tmp_path, f"slug,stage_name,audience\nwide,Wide,{audience}\n")

    assert not Artist.objects.exists()
    assert f"line 2 (wide), audience: List at most {MAX_AUDIENCE_COUNTRIES} countries." in err


def test_skip_unknown_genres_imports_the_row_without_them_and_warns(tmp_path, taxonomy):
    text = "slug,stage_name,genres\nx,X,house;polka;zouk\ny,Y,techno\n"
    out, err = _run(tmp_path, text, "--skip-unknown-genres")

    assert list(Artist.objects.get(slug="x").genres.values_list("slug", flat=True)) == ["house"]
    assert "warning: line 2 (x), genres: unknown genres skipped: polka, zouk" in err
    assert "2 created, 0 updated, 0 rejected" in out and "1 warning" in out


def test_without_skip_unknown_genres_a_row_with_an_unknown_genre_is_rejected(tmp_path, taxonomy):
    out, err = _run(tmp_path, "slug,stage_name,genres\nx,X,house;polka\n")
    assert not Artist.objects.exists()
    assert "line 2 (x), genres: unknown genres: polka" in err and "1 rejected" in out
