"""Artist verification: links to the artist's platform pages, the staff queue, the badge."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from artists.verification import artist_verification_request
from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications.models import Notification
from tests.artists.factories import ArtistFactory

pytestmark = pytest.mark.django_db

LINKS = [
    "https://open.spotify.com/artist/4Z8W4fKeB5YxbusRsdQVPb",
    "https://www.instagram.com/lumen",
]


def test_links_must_be_https_pages_on_known_platforms():
    artist = ArtistFactory()
    for links, message in [
        ([], "at least one link"),
        (["http://open.spotify.com/artist/1"], "not a full https://"),
        (["https://my-blog.example.com/me"], "not on a platform"),
        ([f"https://soundcloud.com/a{i}" for i in range(7)], "At most 6"),
    ]:
        with pytest.raises(ValidationError) as exc:
            artist_verification_request(actor=artist.user, artist=artist, links=links)
        assert message in " ".join(exc.value.message_dict["links"])
    with pytest.raises(PermissionDeniedError):
        artist_verification_request(actor=ArtistFactory().user, artist=artist, links=LINKS)
    made = artist_verification_request(
        actor=artist.user, artist=artist, links=[*LINKS, LINKS[0], "https://lumen.bandcamp.com/"]
    )
    assert made.links == [*LINKS, "https://lumen.bandcamp.com/"]  # duplicates dropped
    with pytest.raises(ConflictError):
        artist_verification_request(actor=artist.user, artist=artist, links=LINKS)


def test_the_page_shows_errors_then_staff_approve_and_the_badge_names_the_platforms(
    client, staff_user, django_capture_on_commit_callbacks
):
    artist = ArtistFactory()
    client.force_login(artist.user)
    url = reverse("artists:verification")
    assert url in client.get(reverse("artists:dashboard")).text
    bad = client.post(url, {"links": "https://my-blog.example.com/me"})
    assert bad.status_code == 400 and "is not on a platform staff can check" in bad.text
    assert client.post(url, {"links": "\n".join(LINKS)}).status_code == 302
    request = artist.verification_requests.get()
    client.force_login(staff_user)
    change = reverse("admin:artists_artistverificationrequest_change", args=[request.pk])
    assert "Spotify" in client.get(change).text
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, {"decision": "approve", "reason": ""}).status_code == 302
    artist.refresh_from_db()
    assert artist.verified
    assert Notification.objects.filter(recipient=artist.user, kind="verification.decided").exists()
    public = client.get(reverse("artists:detail", args=[artist.slug])).text
    assert "Verified by AUX staff on" in public
    assert "the artist&#x27;s own pages on Instagram, Spotify" in public


def test_the_api_sends_a_request(client):
    artist = ArtistFactory()
    client.force_login(artist.user)
    url = "/api/v1/artists/me/verification/"
    assert client.get(url).json()["request"] is None
    bad = client.post(url, {"links": ["ftp://x"]}, content_type="application/json")
    assert bad.status_code == 400
    made = client.post(url, {"links": LINKS}, content_type="application/json")
    assert made.status_code == 201 and made.json()["request"]["links"] == LINKS
