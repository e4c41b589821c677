from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("aux.users.urls")),
    path("artists/", include("artists.urls")),
    path("brands/", include("brands.urls")),
    path("briefs/", include("campaigns.urls")),
    path("api/v1/", include("aux.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
