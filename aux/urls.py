from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from campaigns.bookings.urls import brief_urlpatterns as booking_brief_urlpatterns
from campaigns.briefs.how_matching_views import how_matching_works
from campaigns.briefs.urls import urlpatterns as brief_urlpatterns

from . import files, health, outbox_views, views
from .api.docs import ApiDocsView
from .users import views as user_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("how-matching-works/", how_matching_works, name="how_matching_works"),
    path("accounts/", include("allauth.urls")),
    # The language switcher: Django's set_language, which also saves a signed-in user's choice.
    path("i18n/setlang/", user_views.set_language, name="set_language"),
    path("dashboard/", include("aux.users.urls")),
    path("artists/", include("artists.urls")),
    path("brands/", include("brands.urls")),
    # /briefs/ (namespace "campaigns"): the brief pages, then the booking pages starting from one.
    path("briefs/", include((brief_urlpatterns + booking_brief_urlpatterns, "campaigns"))),
    path("notifications/", include("aux.notifications.urls")),
    path("bookings/", include("campaigns.bookings.urls")),
    path("reviews/", include("campaigns.reviews.urls")),
    path("payments/", include("payments.urls")),
    path("", include("campaigns.reporting.urls")),  # reports: /briefs/<id>/report/, ...
    path("", include("aux.privacy.urls")),  # /privacy/, /terms/, /account/data/, /account/close/
    # The demo's e-mails (AUX_MAIL_OUTBOX), for staff.
    path("staff/outbox/", outbox_views.outbox, name="outbox"),
    path("staff/outbox/<str:name>/html/", outbox_views.outbox_html, name="outbox_html"),
    path("api/v1/", include("aux.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Public images kept in the local folder (photos, logos); private files have views that check.
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", files.public_file, name="public_file"),
]

# Under /api/ every error, an unknown URL included, is JSON (aux.api.middleware for what Django
# answers itself with DEBUG on).
handler404 = "aux.api.exceptions.not_found"
# A lost database/Redis connection anywhere in a request is a 503 + Retry-After (JSON under /api/),
# any other uncaught error the 500 page.
handler500 = "aux.outages.server_error"
