"""The artist's verification page: its state, and the request form with the platform links."""

from functools import partial

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aux.users.decorators import role_required
from aux.users.models import User
from brands.verification_views import verification_form_send

from .selectors import artist_profile_for_user
from .verification import (
    MAX_LINKS,
    PLATFORM_HOSTS,
    artist_verification_badge,
    artist_verification_latest,
    artist_verification_request,
)


class ArtistVerificationForm(forms.Form):
    links = forms.CharField(
        label=gettext_lazy("Links to your pages on streaming and social platforms"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://open.spotify.com/artist/…"}),
        max_length=3000,
        help_text=gettext_lazy("One link per line, up to %(n)d: your artist page on Spotify, "
                               "Apple Music, Deezer, SoundCloud, Bandcamp, YouTube, Instagram, "
                               "TikTok...") % {"n": MAX_LINKS},
    )  # fmt: skip

    def clean_links(self) -> list[str]:
        return self.cleaned_data["links"].splitlines()


@role_required(User.Role.ARTIST)
def artist_verification(request: HttpRequest) -> HttpResponse:
    """The signed-in artist's own verification: state, refusal reason, request form."""
    artist = artist_profile_for_user(user=request.user)
    if artist is None:
        raise Http404(_("Your account has no artist profile yet."))
    latest = artist_verification_latest(artist=artist)
    waiting = latest is not None and latest.status == latest.Status.PENDING
    initial = "\n".join(link.url for link in artist.media_links.filter(kind="social")[:MAX_LINKS])
    form = ArtistVerificationForm(request.POST or None, initial={"links": initial})
    status = 200
    if request.method == "POST":
        if artist.verified or waiting:
            return redirect("artists:verification")
        if verification_form_send(
            request, form, partial(artist_verification_request, artist=artist)
        ):
            return redirect("artists:verification")
        status = 400
    context = {
        "artist": artist, "form": form, "latest": latest, "waiting": waiting,
        "badge": artist_verification_badge(artist=artist),
        "platforms": sorted(set(PLATFORM_HOSTS.values())),
    }  # fmt: skip
    return render(request, "artists/verification.html", context, status=status)
