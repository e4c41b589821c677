"""The artist's own profile: the sectioned editor on the dashboard, its htmx saves, the JSON export.

Thin views: the section objects (artists/forms.py) turn POSTs into values and call the services.
With htmx a save answers only the section's partial plus the completeness meter (out of band);
without JS the same POST redirects back to the dashboard (or re-renders it with the errors).
"""

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aux.users.decorators import role_required
from aux.users.models import User

from .api.me import ArtistMeSerializer
from .forms import SECTIONS, ProfileSection
from .models import Artist
from .selectors import artist_profile_for_user, profile_completeness


def _own_artist(request: HttpRequest) -> Artist:
    artist = artist_profile_for_user(user=request.user)
    if artist is None:
        raise Http404(_("Your account has no artist profile yet."))
    return artist


def _completeness_context(artist: Artist) -> dict:
    percent, missing = profile_completeness(artist)
    return {"completeness": percent, "missing": missing}


def render_dashboard(
    request: HttpRequest, artist: Artist | None, *, bound: ProfileSection | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    context: dict = {"artist": artist}
    if artist is not None:
        context["sections"] = [
            bound if bound is not None and bound.name == name else cls(artist)
            for name, cls in SECTIONS.items()
        ]
        context.update(_completeness_context(artist))
    return render(request, "artists/dashboard.html", context, status=status)


@role_required(User.Role.ARTIST)
@require_POST
def dashboard_section(request: HttpRequest, section: str) -> HttpResponse:
    """Save one section of the signed-in artist's own profile (no id in the URL: nobody can
    address another artist's profile here)."""
    section_cls = SECTIONS.get(section)
    if section_cls is None:
        raise Http404
    artist = _own_artist(request)
    bound = section_cls(artist, request.POST, request.FILES)
    ok = bound.save(actor=request.user)
    if request.htmx:
        if ok:
            artist = _own_artist(request)  # fresh rows, renumbered formsets, a new blank row
            bound = section_cls(artist)
            bound.saved = True
        html = render_to_string(
            "artists/partials/section_response.html",
            {"section": bound, "artist": artist, **_completeness_context(artist)},
            request=request,
        )
        return HttpResponse(html)
    if ok:
        messages.success(request, _("%(section)s saved.") % {"section": bound.title})
        return redirect(reverse("artists:dashboard") + f"#section-{section}")
    return render_dashboard(request, artist, bound=bound, status=400)


@role_required(User.Role.ARTIST)
def export_json(request: HttpRequest) -> HttpResponse:
    """Data portability: the artist's whole profile as a JSON file (the API's representation)."""
    artist = _own_artist(request)
    data = {
        "exported_at": timezone.now().isoformat(),
        "format": "aux.artist-profile.v1",
        "profile": ArtistMeSerializer(artist, context={"request": request}).data,
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="aux-profile-{artist.slug}.json"'
    response["Cache-Control"] = "no-store"
    return response
