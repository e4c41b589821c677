from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/answer/", views.review_reply, name="reply"),
    path("<int:pk>/report/", views.review_report, name="report"),
]
