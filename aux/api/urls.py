"""`/api/v1/`: each app contributes its routes from its own api/urls.py."""

from django.urls import include, path

from artists.api.me import ArtistMeView

from .auth import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("aux.privacy.api.urls")),  # me/export/, me/close/
    # The own-profile endpoint comes before the artists router so "me" is never read as a slug.
    path("artists/me/", ArtistMeView.as_view(), name="api-artist-me"),
    path("", include("payments.api.urls")),  # before artists: artists/me/payouts/onboard/
    path("", include("campaigns.reporting.api.urls")),  # before artists: artists/me/earnings/
    path("", include("artists.api.urls")),
    path("", include("campaigns.briefs.api.urls")),
    path("", include("campaigns.bookings.api.urls")),
    path("", include("campaigns.reviews.api_urls")),
    path("", include("brands.api.urls")),
    path("", include("aux.notifications.api.urls")),
]
