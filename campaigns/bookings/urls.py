"""Booking pages under /bookings/ (the offer form itself lives under /briefs/<id>/offers/new/)."""

from django.urls import path

from . import views

app_name = "bookings"
urlpatterns = [
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/thread/", views.offer_thread, name="offer_thread"),
    path("offers/<int:pk>/renew/", views.offer_renew, name="offer_renew"),
    path("offers/<int:pk>/<slug:action>/", views.offer_action, name="offer_action"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contract_pdf"),
    path("contracts/<int:pk>/<slug:action>/", views.contract_action, name="contract_action"),
    path("milestones/<int:pk>/<slug:action>/", views.milestone_action, name="milestone_action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
