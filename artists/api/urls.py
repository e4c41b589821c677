"""Artist API routes. `artists/me/` is left to the own-profile API: the `{slug}` route's regex
refuses the slug "me", so a `path("artists/me/", ...)` added before or after these works."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .verification import ArtistVerificationView
from .views import ArtistViewSet, TaxonomyView

router = SimpleRouter()
router.register("artists", ArtistViewSet, basename="api-artist")

urlpatterns = [
    path("taxonomy/", TaxonomyView.as_view(), name="api-taxonomy"),
    path(
        "artists/me/verification/",
        ArtistVerificationView.as_view(),
        name="api-artist-verification",
    ),
    *router.urls,
]
