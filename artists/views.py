from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from aux.users.decorators import role_required
from aux.users.models import User

from . import profile_views
from .filters import ArtistPageFilter
from .hooks import artist_page_sections
from .models import Artist
from .pagination import CappedCountPaginator
from .profile_page import profile_page_context
from .selectors import (
    artist_lowest_rate,
    artist_profile_for_user,
    artist_public_detail,
    artists_for_discovery,
)
from .verification import artist_verification_badge

DISCOVERY_PAGE_SIZE = 24
DISCOVERY_MAX_PAGE_SIZE = 100


@role_required(User.Role.ARTIST)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The artist's home: the profile editor in sections and the completeness meter."""
    return profile_views.render_dashboard(request, artist_profile_for_user(user=request.user))


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public profile: bio (sanitised Markdown), media, rates "from", audience charts."""
    try:
        artist = artist_public_detail(slug=slug)
    except Artist.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "artists/detail.html", {
        "artist": artist, **profile_page_context(artist),
        "badge": artist_verification_badge(artist=artist),
        "sections": artist_page_sections(request, artist),
    })  # fmt: skip


def artist_list(request: HttpRequest) -> HttpResponse:
    """Browse and search artists. An htmx request gets only the results (the filter form stays
    as the visitor left it); the same URL loaded directly renders the whole page."""
    filterset = ArtistPageFilter(request.GET, queryset=artists_for_discovery(), request=request)
    page_size = _page_size(request.GET.get("page_size"))
    page_obj = None
    if filterset.is_valid():
        page_obj = CappedCountPaginator(filterset.qs, page_size).get_page(request.GET.get("page"))
        deliverable = filterset.form.cleaned_data.get("deliverable")
        for artist in page_obj:
            artist.fee_from = artist_lowest_rate(artist, deliverable=deliverable)
    form = filterset.form
    filter_errors = [
        (form.fields[name].label if name in form.fields else "", message)
        for name, messages in form.errors.items()
        for message in messages
    ]
    context = {"form": form, "page_obj": page_obj, "filter_errors": filter_errors}
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    template = "artists/partials/results.html" if partial else "artists/list.html"
    response = render(request, template, context)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page_size(raw: str | None) -> int:
    try:
        return min(max(int(raw or DISCOVERY_PAGE_SIZE), 1), DISCOVERY_MAX_PAGE_SIZE)
    except ValueError:
        return DISCOVERY_PAGE_SIZE
