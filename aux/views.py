from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from artists.models import Artist
from artists.selectors import artists_featured
from brands.models import Brand


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what AUX does for brands and for artists, and featured artists."""
    return render(
        request,
        "home.html",
        {
            "featured": artists_featured(limit=8),
            "artist_count": Artist.objects.count(),
            "brand_count": Brand.objects.count(),
        },
    )
