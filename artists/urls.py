from django.urls import path

from . import views

app_name = "artists"
urlpatterns = [
    path("", views.artist_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<slug:slug>/", views.detail, name="detail"),
]
