from django.urls import path

from .views import CloseMeView, ExportMeView

urlpatterns = [
    path("me/export/", ExportMeView.as_view(), name="api-me-export"),
    path("me/close/", CloseMeView.as_view(), name="api-me-close"),
]
