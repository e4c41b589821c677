from django.urls import path

from . import match_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.brief_list, name="brief_list"),
    path("new/", views.brief_create, name="brief_create"),
    path("for-me/", match_views.artist_top_briefs, name="artist_top_briefs"),
    path("<int:pk>/", views.brief_detail, name="brief_detail"),
    path("<int:pk>/edit/<slug:step>/", views.brief_edit, name="brief_edit"),
    path("<int:pk>/publish/", views.brief_publish, name="brief_publish"),
    path("<int:pk>/close/", views.brief_close, name="brief_close"),
    path("<int:pk>/delete/", views.brief_delete, name="brief_delete"),
    path("<int:pk>/matches/", match_views.brief_matches_page, name="brief_matches"),
    path("<int:pk>/compare/", match_views.compare, name="compare"),
    path(
        "<int:pk>/shortlist/<int:artist_id>/",
        match_views.shortlist_toggle,
        name="shortlist_toggle",
    ),
]

# Bookings: the offer form starts from a brief (the rest of the booking pages: booking_urls.py).
from campaigns.bookings.views import offer_new  # noqa: E402

urlpatterns += [path("<int:pk>/offers/new/", offer_new, name="offer_new")]

# Open calls: applications to a brief (application_views.py).
from campaigns.bookings import application_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/apply/", application_views.application_new, name="application_new"),
    path("<int:pk>/open-call/", application_views.brief_open_call, name="brief_open_call"),
    path(
        "<int:pk>/applications/<int:app_id>/<slug:action>/",
        application_views.application_action,
        name="application_action",
    ),
]
