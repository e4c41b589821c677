from django.urls import path

from . import views

app_name = "brands"
urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
