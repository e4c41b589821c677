from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.brief_list, name="brief_list"),
    path("new/", views.brief_create, name="brief_create"),
    path("<int:pk>/", views.brief_detail, name="brief_detail"),
    path("<int:pk>/edit/<slug:step>/", views.brief_edit, name="brief_edit"),
    path("<int:pk>/publish/", views.brief_publish, name="brief_publish"),
    path("<int:pk>/close/", views.brief_close, name="brief_close"),
    path("<int:pk>/delete/", views.brief_delete, name="brief_delete"),
    path("<int:pk>/matches/", views.brief_matches_page, name="brief_matches"),
]

# Bookings: the offer form starts from a brief (the rest of the booking pages: booking_urls.py).
from .booking_views import offer_new  # noqa: E402

urlpatterns += [path("<int:pk>/offers/new/", offer_new, name="offer_new")]
