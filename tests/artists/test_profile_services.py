"""Profile services: every rule of every section, permissions, replace-all, and completeness."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from artists.models import Artist
from artists.selectors import artist_profile, profile_completeness
from artists.services import (
    artist_profile_update,
    artist_set_rates,
    artist_set_unavailability,
    artist_update_audience,
    artist_update_identity,
    artist_update_music,
    artist_update_values,
)
from aux.errors import ApplicationError, PermissionDeniedError
from tests.artists.factories import (
    ArtistFactory,
    DeliverableTypeFactory,
    GenreFactory,
    MoodFactory,
    RateFactory,
)
from tests.brands.factories import BrandCategoryFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ApplicationError) as exc:
        call()
    return exc.value.errors


def jpeg(size=(1200, 900)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format="JPEG")
    return SimpleUploadedFile("me.jpg", buf.getvalue(), content_type="image/jpeg")


# --- permissions ---
def test_another_artist_cannot_edit_the_profile(artist):
    other = ArtistFactory().user
    with pytest.raises(PermissionDeniedError):
        artist_update_identity(artist=artist, actor=other, bio="hacked")
    artist.refresh_from_db()
    assert artist.bio == ""


def test_a_brand_user_cannot_edit_an_artist_profile(artist):
    with pytest.raises(PermissionDeniedError):
        artist_set_rates(artist=artist, actor=UserFactory(role="brand"), rates=[])


def test_anonymous_cannot_edit(artist):
    with pytest.raises(PermissionDeniedError):
        artist_update_values(artist=artist, actor=None, refused_categories=[])


def test_staff_may_edit_an_artist_profile(artist):
    staff = UserFactory(role="staff", is_staff=True)
    artist_update_identity(artist=artist, actor=staff, city="Leipzig")
    artist.refresh_from_db()
    assert artist.city == "Leipzig"


# --- identity ---
def test_identity_is_saved_with_normalised_codes_and_the_slug_kept(artist):
    artist_update_identity(
        artist=artist,
        actor=artist.user,
        stage_name="  Velvet Harbour ",
        bio="**Hi**",
        city="Hamburg",
        country="fr",
        languages=["EN", "fr", "en", " "],
    )
    artist.refresh_from_db()
    assert (artist.stage_name, artist.city, artist.country.code) == (
        "Velvet Harbour",
        "Hamburg",
        "FR",
    )
    assert artist.languages == ["en", "fr"]
    assert artist.slug == "velvet-harbor"


def test_an_empty_stage_name_is_refused(artist):
    errors = errors_of(
        lambda: artist_update_identity(artist=artist, actor=artist.user, stage_name=" ")
    )
    assert "stage_name" in errors


def test_unknown_language_codes_are_refused_and_named(artist):
    errors = errors_of(
        lambda: artist_update_identity(
            artist=artist, actor=artist.user, languages=["en", "xx", "english"]
        )
    )
    assert "xx" in errors["languages"][0] and "english" in errors["languages"][0]


def test_an_unknown_country_code_is_refused(artist):
    errors = errors_of(
        lambda: artist_update_identity(artist=artist, actor=artist.user, country="ZZ")
    )
    assert "ZZ" in errors["country"][0]


def test_a_too_long_bio_is_refused(artist):
    errors = errors_of(
        lambda: artist_update_identity(artist=artist, actor=artist.user, bio="x" * 6000)
    )
    assert "bio" in errors


def test_a_photo_is_resized_and_stored_as_jpeg(artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    artist_update_identity(artist=artist, actor=artist.user, photo=jpeg())
    artist.refresh_from_db()
    assert artist.photo.name.endswith(".jpg")
    with Image.open(artist.photo.path) as img:
        assert max(img.size) == 800


def test_a_non_image_photo_is_refused_and_nothing_changes(artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("me.jpg", b"GIF89a not really", content_type="image/jpeg")
    errors = errors_of(
        lambda: artist_update_identity(artist=artist, actor=artist.user, bio="new", photo=fake)
    )
    assert "photo" in errors
    artist.refresh_from_db()
    assert not artist.photo and artist.bio == ""


def test_an_oversize_photo_is_refused(artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.AUX_MAX_IMAGE_BYTES = 2_000
    errors = errors_of(
        lambda: artist_update_identity(artist=artist, actor=artist.user, photo=jpeg())
    )
    assert "too large" in errors["photo"][0]


def test_removing_the_photo_deletes_the_old_file_after_commit(
    artist, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    artist_update_identity(artist=artist, actor=artist.user, photo=jpeg())
    artist.refresh_from_db()
    path = artist.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        artist_update_identity(artist=artist, actor=artist.user, remove_photo=True)
    artist.refresh_from_db()
    assert not artist.photo
    assert not (tmp_path / path).exists()


# --- music & media ---
def test_genres_moods_and_media_links_are_replaced(artist):
    GenreFactory(name="House", slug="house")
    GenreFactory(name="Techno", slug="techno")
    MoodFactory(name="Dark", slug="dark")
    artist_update_music(
        artist=artist,
        actor=artist.user,
        genres=["house", "techno"],
        moods=["dark"],
        media_links=[{"kind": "track", "title": "Hit", "url": "https://music.example/hit"}],
    )
    artist_update_music(
        artist=artist,
        actor=artist.user,
        genres=["techno"],
        media_links=[{"kind": "video", "url": "https://video.example/v"}],
    )
    assert [g.slug for g in artist.genres.all()] == ["techno"]
    assert [m.slug for m in artist.moods.all()] == ["dark"]  # not given: kept
    assert [(m.kind, m.url) for m in artist.media_links.all()] == [
        ("video", "https://video.example/v")
    ]


def test_unknown_genres_and_moods_are_refused_by_name(artist):
    errors = errors_of(
        lambda: artist_update_music(
            artist=artist, actor=artist.user, genres=["polka-core"], moods=["meh"]
        )
    )
    assert "polka-core" in errors["genres"][0] and "meh" in errors["moods"][0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/a", "not a url", ""])
def test_media_link_urls_must_be_http_or_https(artist, url):
    errors = errors_of(
        lambda: artist_update_music(
            artist=artist, actor=artist.user, media_links=[{"kind": "track", "url": url}]
        )
    )
    assert "media_links.0.url" in errors


def test_media_link_kind_must_be_known_and_links_unique_and_limited(artist):
    link = {"kind": "track", "url": "https://a.example/x"}
    errors = errors_of(
        lambda: artist_update_music(
            artist=artist,
            actor=artist.user,
            media_links=[link, link, {"kind": "mixtape", "url": "https://b.example"}],
        )
    )
    assert "media_links.1.url" in errors and "media_links.2.kind" in errors
    many = [{"kind": "track", "url": f"https://a.example/{i}"} for i in range(13)]
    assert "media_links" in errors_of(
        lambda: artist_update_music(artist=artist, actor=artist.user, media_links=many)
    )


# --- audience ---
def test_audience_is_saved_with_replace_all_shares(artist):
    artist_update_audience(
        artist=artist,
        actor=artist.user,
        monthly_listeners=12_000,
        followers={"instagram": 5000, "Spotify": 800},
        engagement_rate=Decimal("0.05"),
        audience_countries=[{"country": "de", "share": "0.5"}, {"country": "FR", "share": "0.25"}],
        audience_ages=[{"bucket": "18-24", "share": Decimal("0.6")}],
    )
    artist_update_audience(
        artist=artist, actor=artist.user, audience_countries=[{"country": "GB", "share": "1"}]
    )
    artist.refresh_from_db()
    assert artist.monthly_listeners == 12_000 and artist.is_emerging
    assert artist.followers == {"spotify": 800, "instagram": 5000}
    assert artist.engagement_rate == Decimal("0.05")
    assert [(s.country.code, s.share) for s in artist.audience_shares.all()] == [
        ("GB", Decimal("1"))
    ]
    assert [(a.bucket, a.share) for a in artist.age_shares.all()] == [("18-24", Decimal("0.6"))]


def test_country_shares_summing_over_one_are_refused_with_the_total(artist):
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist,
            actor=artist.user,
            audience_countries=[
                {"country": "DE", "share": "0.7"},
                {"country": "FR", "share": "0.5"},
            ],
        )
    )
    assert "1.2" in errors["audience_countries"][0]
    assert not artist.audience_shares.exists()


@pytest.mark.parametrize(("shares", "said"), [(["0.7", "0.6"], "1.3 (130%)"),
                                              (["1", "1", "1", "1", "1", "1", "1", "1", "1", "1"],
                                               "10 (1000%)")])  # fmt: skip
def test_the_total_of_shares_over_one_is_written_as_a_plain_number(artist, shares, said):
    codes = ["DE", "FR", "GB", "US", "NL", "ES", "IT", "PT", "BE", "AT"]
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist,
            actor=artist.user,
            audience_countries=[
                {"country": c, "share": s} for c, s in zip(codes, shares, strict=False)
            ],
        )
    )
    assert f"The shares add up to {said};" in errors["audience_countries"][0]


@pytest.mark.parametrize("share", ["1.5", "-0.1", "abc", "0.123456"])
def test_each_country_share_must_be_a_number_in_0_1_with_four_decimals(artist, share):
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist, actor=artist.user, audience_countries=[{"country": "DE", "share": share}]
        )
    )
    assert "audience_countries.0.share" in errors


def test_a_country_listed_twice_or_unknown_is_refused(artist):
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist,
            actor=artist.user,
            audience_countries=[
                {"country": "DE", "share": "0.1"},
                {"country": "de", "share": "0.1"},
                {"country": "QQ", "share": "0.1"},
            ],
        )
    )
    assert "audience_countries.1.country" in errors and "audience_countries.2.country" in errors


def test_age_shares_must_use_known_buckets_and_sum_to_at_most_one(artist):
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist,
            actor=artist.user,
            audience_ages=[
                {"bucket": "18-24", "share": "0.8"},
                {"bucket": "25-34", "share": "0.3"},
                {"bucket": "3-7", "share": "0"},
            ],
        )
    )
    assert "audience_ages" in errors and "audience_ages.2.bucket" in errors


@pytest.mark.parametrize("rate", ["1.01", "-0.01"])
def test_engagement_rate_must_be_between_0_and_1(artist, rate):
    assert "engagement_rate" in errors_of(
        lambda: artist_update_audience(artist=artist, actor=artist.user, engagement_rate=rate)
    )


def test_followers_need_a_known_platform_and_a_non_negative_count(artist):
    errors = errors_of(
        lambda: artist_update_audience(
            artist=artist,
            actor=artist.user,
            followers={"myspace": 10, "tiktok": -5, "youtube": "many"},
        )
    )
    assert set(errors) == {"followers.myspace", "followers.tiktok", "followers.youtube"}


def test_monthly_listeners_cannot_be_negative(artist):
    assert "monthly_listeners" in errors_of(
        lambda: artist_update_audience(artist=artist, actor=artist.user, monthly_listeners=-1)
    )


# --- rates ---
def test_rates_are_replaced_as_a_whole(artist):
    DeliverableTypeFactory(name="Live show", slug="live-show")
    DeliverableTypeFactory(name="Social post", slug="social-post")
    RateFactory(artist=artist)
    artist_set_rates(
        artist=artist,
        actor=artist.user,
        rates=[
            {"deliverable_type": "live-show", "min_fee": 250_000, "currency": "eur"},
            {"deliverable_type": "social-post", "min_fee": 0, "currency": "GBP"},
        ],
    )
    assert sorted((r.deliverable_type.slug, r.min_fee, r.currency) for r in artist.rates.all()) == [
        ("live-show", 250_000, "EUR"),
        ("social-post", 0, "GBP"),
    ]


def test_rate_rules_negative_fee_unknown_type_currency_and_duplicates(artist):
    DeliverableTypeFactory(name="Live show", slug="live-show")
    errors = errors_of(
        lambda: artist_set_rates(
            artist=artist,
            actor=artist.user,
            rates=[
                {"deliverable_type": "live-show", "min_fee": -1, "currency": "EUR"},
                {"deliverable_type": "live-show", "min_fee": 10, "currency": "JPY"},
                {"deliverable_type": "yodel", "min_fee": 1.5, "currency": "EUR"},
            ],
        )
    )
    assert "negative" in errors["rates.0.min_fee"][0]
    assert "rates.1.deliverable_type" in errors and "rates.1.currency" in errors
    assert "rates.2.deliverable_type" in errors and "rates.2.min_fee" in errors


# --- availability ---
def test_unavailability_is_replaced_and_sorted(artist):
    artist_set_unavailability(
        artist=artist,
        actor=artist.user,
        unavailability=[
            {"start": date(2027, 8, 1), "end": date(2027, 8, 3), "note": "Festival"},
            {"start": date(2027, 6, 1), "end": date(2027, 6, 1)},
        ],
    )
    assert [(u.start, u.end) for u in artist.unavailabilities.all()] == [
        (date(2027, 6, 1), date(2027, 6, 1)),
        (date(2027, 8, 1), date(2027, 8, 3)),
    ]


def test_an_end_before_the_start_is_refused(artist):
    errors = errors_of(
        lambda: artist_set_unavailability(
            artist=artist,
            actor=artist.user,
            unavailability=[{"start": date(2027, 6, 5), "end": date(2027, 6, 1)}],
        )
    )
    assert "unavailability.0.end" in errors


def test_overlapping_periods_are_refused_and_both_are_named(artist):
    errors = errors_of(
        lambda: artist_set_unavailability(
            artist=artist,
            actor=artist.user,
            unavailability=[
                {"start": date(2027, 6, 15), "end": date(2027, 6, 30)},
                {"start": date(2027, 6, 10), "end": date(2027, 6, 15)},
            ],
        )
    )
    message = errors["unavailability.0.start"][0]
    assert "2027-06-15 – 2027-06-30" in message and "2027-06-10 – 2027-06-15" in message


# --- values ---
def test_refused_categories_are_set_by_slug_and_unknown_ones_refused(artist):
    BrandCategoryFactory(name="Alcohol", slug="alcohol")
    artist_update_values(artist=artist, actor=artist.user, refused_categories=["alcohol"])
    assert [c.slug for c in artist.refused_categories.all()] == ["alcohol"]
    assert "refused_categories" in errors_of(
        lambda: artist_update_values(artist=artist, actor=artist.user, refused_categories=["guns"])
    )


# --- several sections at once ---
def test_profile_update_reports_all_sections_errors_and_saves_nothing(artist):
    errors = errors_of(
        lambda: artist_profile_update(
            artist=artist,
            actor=artist.user,
            city="Paris",
            genres=["nope"],
            rates=[{"deliverable_type": "nope", "min_fee": -5, "currency": "EUR"}],
        )
    )
    assert {"genres", "rates.0.deliverable_type", "rates.0.min_fee"} <= set(errors)
    artist.refresh_from_db()
    assert artist.city == "Berlin"


def test_verified_cannot_be_set_through_the_profile_services(artist):
    errors = errors_of(
        lambda: artist_profile_update(artist=artist, actor=artist.user, verified=True)
    )
    assert "verified" in errors
    assert not Artist.objects.get(pk=artist.pk).verified


# --- completeness ---
def test_completeness_lists_what_is_missing_and_reaches_100(artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    percent, missing = profile_completeness(artist_profile().get(pk=artist.pk))
    assert percent < 20 and "your rates" in missing and "a photo" in missing

    GenreFactory(name="House", slug="house")
    MoodFactory(name="Dark", slug="dark")
    DeliverableTypeFactory(name="Live show", slug="live-show")
    user = artist.user
    artist_update_identity(artist=artist, actor=user, bio="Hi", languages=["en"], photo=jpeg())
    artist_update_music(
        artist=artist,
        actor=user,
        genres=["house"],
        moods=["dark"],
        media_links=[{"kind": "track", "url": "https://x.example"}],
    )
    artist_update_audience(
        artist=artist,
        actor=user,
        followers={"tiktok": 10},
        audience_countries=[{"country": "DE", "share": "0.5"}],
        audience_ages=[{"bucket": "18-24", "share": "0.5"}],
    )
    percent, missing = profile_completeness(artist_profile().get(pk=artist.pk))
    assert missing == ["your rates"] and 90 <= percent < 100
    artist_set_rates(
        artist=artist,
        actor=user,
        rates=[{"deliverable_type": "live-show", "min_fee": 1, "currency": "EUR"}],
    )
    assert profile_completeness(artist_profile().get(pk=artist.pk)) == (100, [])
