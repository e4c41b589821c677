from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("terms/", views.terms, name="terms"),
    path("account/data/", views.account, name="account"),
    path("account/data/export/", views.export_request, name="export_request"),
    path("account/data/export/<str:token>/", views.export_download, name="export_download"),
    path("account/close/", views.close, name="close"),
]
