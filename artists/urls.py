from django.urls import path

from . import profile_views, verification_views, views

app_name = "artists"
urlpatterns = [
    path("", views.artist_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.json", profile_views.export_json, name="export"),
    # Before the sections' route, which would read "verification" as a section.
    path("dashboard/verification/", verification_views.artist_verification, name="verification"),
    path("dashboard/<slug:section>/", profile_views.dashboard_section, name="dashboard_section"),
    path("<slug:slug>/", views.detail, name="detail"),
]
