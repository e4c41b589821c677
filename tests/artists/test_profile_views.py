"""The artist dashboard's profile editor, the public artist page and the JSON export."""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from artists.models import AgeShare, Artist, AudienceShare
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, GenreFactory, RateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/artists/dashboard/"


def section_url(name: str) -> str:
    return reverse("artists:dashboard_section", args=[name])


def empty_formset(prefix: str, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def identity_data(**overrides) -> dict:
    data = {
        "identity-stage_name": "Velvet Harbor",
        "identity-bio": "Hello",
        "identity-city": "Berlin",
        "identity-country": "DE",
        "identity-languages": "en, de",
    }
    data.update(overrides)
    return data


def audience_data(**overrides) -> dict:
    data = {
        "audience-monthly_listeners": "42000",
        "audience-engagement_rate": "0.04",
        "audience-followers_instagram": "1200",
        "audience-age_18-24": "0.5",
        **empty_formset("countries", 2),
        "countries-0-country": "DE",
        "countries-0-share": "0.6",
        "countries-1-country": "FR",
        "countries-1-share": "0.3",
    }
    data.update(overrides)
    return data


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


# --- dashboard ---
def test_dashboard_shows_every_section_and_the_completeness_meter(artist_client):
    html = artist_client.get(DASHBOARD).content.decode()
    for section in ("identity", "music", "audience", "rates", "availability", "values"):
        assert f'id="section-{section}"' in html
    assert "<progress" in html and "Still missing" in html and "your rates" in html
    assert 'href="/artists/dashboard/export.json"' in html


def test_dashboard_never_offers_the_verified_flag(artist_client):
    html = artist_client.get(DASHBOARD).content.decode()
    assert 'name="identity-stage_name"' in html
    assert "verified" not in " ".join(part.split('"')[0] for part in html.split('name="')[1:])


def test_a_plain_post_saves_and_redirects_back_to_the_section(artist_client, artist):
    response = artist_client.post(
        section_url("identity"), identity_data(**{"identity-city": "Köln"})
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/artists/dashboard/#section-identity")
    artist.refresh_from_db()
    assert artist.city == "Köln" and artist.languages == ["en", "de"]


def test_an_htmx_post_answers_only_the_section_and_the_refreshed_meter(artist_client, artist):
    response = artist_client.post(
        section_url("audience"), audience_data(), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="section-audience"')
    assert "<html" not in html
    assert 'id="completeness" class="completeness" hx-swap-oob="true"' in html
    assert "Audience saved." in html
    assert "where your audience lives" not in html  # no longer missing
    assert [(s.country.code, s.share) for s in AudienceShare.objects.filter(artist=artist)] == [
        ("DE", Decimal("0.6")),
        ("FR", Decimal("0.3")),
    ]
    assert AgeShare.objects.get(artist=artist).bucket == "18-24"


def test_an_htmx_post_with_shares_over_one_shows_the_error_inline_and_saves_nothing(
    artist_client, artist
):
    data = audience_data(**{"countries-1-share": "0.7"})
    response = artist_client.post(section_url("audience"), data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The shares add up to 1.3" in html
    assert 'value="0.7"' in html  # the artist's input is kept
    assert not AudienceShare.objects.filter(artist=artist).exists()


def test_a_plain_post_with_errors_rerenders_the_dashboard_with_field_errors(artist_client):
    DeliverableTypeFactory(name="Live show", slug="live-show")
    data = {
        **empty_formset("rates", 1),
        "rates-0-deliverable_type": "live-show",
        "rates-0-min_fee": "-5",
        "rates-0-currency": "EUR",
    }
    response = artist_client.post(section_url("rates"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The minimum fee cannot be negative." in html
    assert 'id="section-identity"' in html  # the whole page, other sections intact


def test_rates_are_saved_in_minor_units_and_deleted_with_the_remove_box(artist_client, artist):
    DeliverableTypeFactory(name="Live show", slug="live-show")
    social = DeliverableTypeFactory(name="Social post", slug="social-post")
    RateFactory(artist=artist, deliverable_type=social)
    data = {
        "rates-TOTAL_FORMS": "2",
        "rates-INITIAL_FORMS": "1",
        "rates-0-deliverable_type": "social-post",
        "rates-0-min_fee": "800",
        "rates-0-currency": "EUR",
        "rates-0-DELETE": "on",
        "rates-1-deliverable_type": "live-show",
        "rates-1-min_fee": "1250.50",
        "rates-1-currency": "GBP",
    }
    assert artist_client.post(section_url("rates"), data).status_code == 302
    assert [(r.deliverable_type.slug, r.min_fee, r.currency) for r in artist.rates.all()] == [
        ("live-show", 125_050, "GBP")
    ]


def test_overlapping_unavailability_is_refused_inline(artist_client, artist):
    data = {
        **empty_formset("gaps", 2),
        "gaps-0-start": "2027-06-01",
        "gaps-0-end": "2027-06-10",
        "gaps-1-start": "2027-06-05",
        "gaps-1-end": "2027-06-20",
    }
    html = artist_client.post(section_url("availability"), data, headers={"HX-Request": "true"})
    assert "overlaps 2027-06-01 – 2027-06-10" in html.content.decode()
    assert not artist.unavailabilities.exists()


def test_music_and_values_sections_save(artist_client, artist):
    GenreFactory(name="House", slug="house")
    from tests.brands.factories import BrandCategoryFactory

    BrandCategoryFactory(name="Tobacco", slug="tobacco")
    data = {
        "music-genres": ["house"],
        **empty_formset("media", 1),
        "media-0-kind": "track",
        "media-0-title": "Single",
        "media-0-url": "https://music.example/single",
    }
    assert artist_client.post(section_url("music"), data).status_code == 302
    assert (
        artist_client.post(
            section_url("values"), {"values-refused_categories": ["tobacco"]}
        ).status_code
        == 302
    )
    assert [g.slug for g in artist.genres.all()] == ["house"]
    assert artist.media_links.get().url == "https://music.example/single"
    assert [c.slug for c in artist.refused_categories.all()] == ["tobacco"]


def test_a_posted_verified_field_is_ignored(artist_client, artist):
    artist_client.post(
        section_url("identity"), identity_data(**{"identity-verified": "on", "verified": "on"})
    )
    artist.refresh_from_db()
    assert artist.verified is False


# --- uploads through the page ---
def test_a_non_image_upload_gives_a_form_error_not_a_500(artist_client, artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = artist_client.post(
        section_url("identity"), identity_data(**{"identity-photo": fake})
    )
    assert response.status_code == 400
    assert "Upload a valid image" in response.content.decode()
    artist.refresh_from_db()
    assert not artist.photo


def test_an_oversize_upload_gives_a_form_error(artist_client, artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.AUX_MAX_IMAGE_BYTES = 1024
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (1, 2, 3)).save(buf, format="PNG")
    big = SimpleUploadedFile("photo.png", buf.getvalue() + b"\0" * 2048, content_type="image/png")
    response = artist_client.post(
        section_url("identity"),
        identity_data(**{"identity-photo": big}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "too large" in response.content.decode()
    artist.refresh_from_db()
    assert not artist.photo


def test_a_photo_upload_is_shown_on_the_public_page(artist_client, artist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (1000, 1000), (1, 2, 3)).save(buf, format="JPEG")
    photo = SimpleUploadedFile("me.jpg", buf.getvalue(), content_type="image/jpeg")
    artist_client.post(section_url("identity"), identity_data(**{"identity-photo": photo}))
    artist.refresh_from_db()
    assert artist.photo
    assert artist.photo.url in artist_client.get(f"/artists/{artist.slug}/").content.decode()


# --- permissions ---
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(section_url("identity"), identity_data())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/artists/dashboard/export.json").status_code == 302


def test_brand_users_cannot_use_the_profile_editor_or_export(client, artist):
    client.force_login(UserFactory(role="brand"))
    assert (
        client.post(section_url("identity"), identity_data(**{"identity-bio": "x"})).status_code
        == 403
    )
    assert client.get("/artists/dashboard/export.json").status_code == 403
    artist.refresh_from_db()
    assert artist.bio == ""


def test_an_artist_can_only_ever_edit_their_own_profile(client, artist):
    other = ArtistFactory(stage_name="Other", slug="other", bio="mine")
    client.force_login(artist.user)
    client.post(section_url("identity"), identity_data(**{"identity-bio": "changed"}))
    other.refresh_from_db()
    assert other.bio == "mine"
    artist.refresh_from_db()
    assert artist.bio == "changed"


def test_an_unknown_section_is_a_404(artist_client):
    assert artist_client.post(section_url("secrets")).status_code == 404


def test_a_get_on_a_section_url_is_refused(artist_client):
    assert artist_client.get(section_url("identity")).status_code == 405


# --- public page ---
def test_a_script_in_the_bio_never_reaches_the_public_page(client, artist):
    artist.bio = (
        "**Bold** <script>alert('pwned')</script> [x](javascript:alert(1)) "
        "<img src=x onerror=alert(2)>"
    )
    artist.save()
    html = client.get(f"/artists/{artist.slug}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "alert(" not in html and "onerror" not in html and "javascript:" not in html


def test_public_page_draws_the_audience_charts_as_accessible_svg(client, artist):
    AudienceShare.objects.create(artist=artist, country="DE", share=Decimal("0.55"))
    AudienceShare.objects.create(artist=artist, country="FR", share=Decimal("0.2"))
    AgeShare.objects.create(artist=artist, bucket="18-24", share=Decimal("0.4"))
    AgeShare.objects.create(artist=artist, bucket="25-34", share=Decimal("0.35"))
    html = client.get(f"/artists/{artist.slug}/").content.decode()
    assert html.count("<svg") == 2 and 'role="img"' in html
    assert "<title id=" in html and "Top countries of Velvet Harbor" in html
    assert "Germany" in html and "55%" in html and "18–24" in html and "35%" in html
    assert "style=" not in html


def test_public_page_has_empty_states_without_audience_data(client, artist):
    html = client.get(f"/artists/{artist.slug}/").content.decode()
    assert "<svg" not in html
    assert "No audience data by country yet." in html and "No audience data by age yet." in html


def test_public_page_shows_rates_from_badges_links_and_languages(client, artist):
    artist.verified = True
    artist.monthly_listeners = 900
    artist.languages = ["en", "pt"]
    artist.save()
    RateFactory(artist=artist, min_fee=120_000, currency="EUR")
    RateFactory(artist=artist, min_fee=90_050, currency="EUR")
    artist.media_links.create(
        kind="track", title="Night Bus", url="https://music.example/night-bus"
    )
    html = client.get(f"/artists/{artist.slug}/").content.decode()
    assert "from €900.50" in html and "€1,200" in html
    assert "verified" in html and "emerging" in html
    assert "Night Bus" in html and 'rel="nofollow noopener"' in html
    assert "English, Portuguese" in html


def test_public_page_query_count_does_not_grow_with_the_profile(
    client, artist, django_assert_max_num_queries
):
    for i in range(6):
        RateFactory(artist=artist)
        artist.media_links.create(kind="video", url=f"https://v.example/{i}")
    with django_assert_max_num_queries(12):
        assert client.get(f"/artists/{artist.slug}/").status_code == 200


# --- export ---
def test_export_downloads_the_whole_own_profile_as_json(artist_client, artist):
    RateFactory(artist=artist, min_fee=50_000, currency="USD")
    AudienceShare.objects.create(artist=artist, country="US", share=Decimal("0.5"))
    response = artist_client.get("/artists/dashboard/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert (
        response["Content-Disposition"] == 'attachment; filename="aux-profile-velvet-harbor.json"'
    )
    data = json.loads(response.content)
    profile = data["profile"]
    assert data["format"] == "aux.artist-profile.v1"
    assert profile["slug"] == "velvet-harbor" and profile["stage_name"] == "Velvet Harbor"
    assert profile["rates"][0]["min_fee"] == 50_000 and profile["rates"][0]["currency"] == "USD"
    assert profile["audience_countries"] == [{"country": "US", "share": "0.5000"}]
    assert "completeness" in profile
    assert Artist.objects.count() == 1
