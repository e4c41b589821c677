from django.urls import path

from . import match_views, views

# Included by aux/urls.py under /briefs/ (namespace "campaigns") with the booking pages that start
# from a brief (campaigns.bookings.urls.brief_urlpatterns): bookings sit above briefs.
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
    path("<int:pk>/matches/<int:artist_id>/open/", match_views.match_open, name="match_open"),
    path(
        "<int:pk>/shortlist/<int:artist_id>/",
        match_views.shortlist_toggle,
        name="shortlist_toggle",
    ),
]
