from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aux.users.decorators import role_required
from aux.users.models import User

from .models import Artist
from .selectors import artists_with_profile


@role_required(User.Role.ARTIST)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The artist's home: their profile at a glance (the profile editor comes with profiles)."""
    artist = getattr(request.user, "artist", None)
    return render(request, "artists/dashboard.html", {"artist": artist})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    artist = get_object_or_404(artists_with_profile(), slug=slug)
    return render(request, "artists/detail.html", {"artist": artist})


def artist_list(request: HttpRequest) -> HttpResponse:
    artists = artists_with_profile(queryset=Artist.objects.order_by("-monthly_listeners"))[:48]
    return render(request, "artists/list.html", {"artists": artists})
