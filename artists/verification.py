"""An artist's request to be verified, staff's decision, and the badge the public page shows.

The evidence: links to the artist's own pages on streaming and social platforms (hosts checked
against PLATFORM_HOSTS), which staff open to see that the profile is theirs. Staff approve (the
artist is marked verified through artist_set_verified) or refuse with a reason; the artist is
notified either way. What artist and brand verification share (the request's one-pending rule,
recording and announcing the decision, the badge) is in brands.verification.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.errors import ConflictError, PermissionDeniedError
from aux.users.models import User
from brands.verification import (
    verification_badge,
    verification_decision_announce,
    verification_decision_record,
    verification_latest,
    verification_request_save,
)

from .models import Artist, ArtistVerificationRequest
from .services import artist_set_verified

MAX_LINKS = 6
# host (without "www.") → platform name shown on the badge
PLATFORM_HOSTS = {
    "open.spotify.com": "Spotify", "spotify.com": "Spotify", "music.apple.com": "Apple Music",
    "deezer.com": "Deezer", "soundcloud.com": "SoundCloud", "bandcamp.com": "Bandcamp",
    "youtube.com": "YouTube", "music.youtube.com": "YouTube Music", "tidal.com": "Tidal",
    "instagram.com": "Instagram", "tiktok.com": "TikTok", "x.com": "X", "twitter.com": "X",
    "facebook.com": "Facebook", "twitch.tv": "Twitch",
}  # fmt: skip


def platform_of(url: str) -> str | None:
    """The platform a URL is on (`https://artist.bandcamp.com/` → Bandcamp), else None."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if host in PLATFORM_HOSTS:
        return PLATFORM_HOSTS[host]
    parent = host.split(".", 1)[-1]  # artist subdomains: name.bandcamp.com
    return PLATFORM_HOSTS.get(parent) if parent == "bandcamp.com" else None


def _clean_links(links: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(link.strip() for link in links if link and link.strip()))
    if not cleaned:
        raise ValidationError(
            {
                "links": gettext(
                    "Add at least one link to your page on a streaming or social platform."
                )
            }
        )
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": gettext("At most %(n)d links.") % {"n": MAX_LINKS}})
    errors = []
    validate = URLValidator(schemes=["https"])
    for link in cleaned:
        try:
            validate(link)
        except ValidationError:
            errors.append(gettext("%(url)s is not a full https:// address.") % {"url": link[:200]})
            continue
        if platform_of(link) is None:
            errors.append(
                gettext("%(url)s is not on a platform staff can check (%(platforms)s).")
                % {"url": link[:200], "platforms": ", ".join(sorted(set(PLATFORM_HOSTS.values())))}
            )
    if errors:
        raise ValidationError({"links": errors})
    return cleaned


@transaction.atomic
def artist_verification_request(
    *, actor: User, artist: Artist, links: list[str]
) -> ArtistVerificationRequest:
    """The artist asks staff to verify their profile. One request waits at a time."""
    if not actor.is_authenticated or artist.user_id != actor.pk:
        raise PermissionDeniedError(gettext("Only the artist can ask for their verification."))
    artist = Artist.objects.select_for_update().get(pk=artist.pk)
    if artist.verified:
        raise ConflictError(gettext("Your profile is already verified."))
    request = ArtistVerificationRequest(
        artist=artist, requested_by=actor, links=_clean_links(links)
    )
    verification_request_save(request)
    audit_record(
        actor=actor, verb="artist.verification_requested", target=artist, request=request.pk
    )
    return request


@transaction.atomic
def artist_verification_decide(
    *, actor: User, request: ArtistVerificationRequest, approve: bool, reason: str = ""
) -> ArtistVerificationRequest:
    """Staff approve (the artist becomes verified) or refuse (a reason is required) a waiting
    request; the artist is told."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff can verify artists."))
    request = verification_decision_record(
        actor=actor, request=request, approve=approve, reason=reason
    )
    if approve:
        artist_set_verified(actor=actor, artist=request.artist, verified=True)
    verification_decision_announce(
        actor=actor, request=request, subject=request.artist, name=request.artist.stage_name,
        url=reverse("artists:verification"),
    )  # fmt: skip
    return request


def artist_verification_latest(*, artist: Artist) -> ArtistVerificationRequest | None:
    return verification_latest(artist.verification_requests)


def _platforms_checked(approved: ArtistVerificationRequest) -> str | None:
    platforms = sorted({p for p in map(platform_of, approved.links) if p})
    if not platforms:
        return None
    return gettext("the artist's own pages on %(platforms)s") % {"platforms": ", ".join(platforms)}


def artist_verification_badge(*, artist: Artist) -> dict | None:
    """What the public page says of a verified artist: when, and what staff checked."""
    return verification_badge(subject=artist, describe=_platforms_checked)
