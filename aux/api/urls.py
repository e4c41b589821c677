"""`/api/v1/`: each app contributes its routes from its own api/urls.py."""

from django.urls import include, path

from .auth import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("artists.api.urls")),
    path("", include("campaigns.api.urls")),
]
