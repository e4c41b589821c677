from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    # The e-mailed link moves its token into the session and redirects to the page without it;
    # mail clients' one-click POST (RFC 8058) still goes to the link itself.
    path("unsubscribe/", views.unsubscribe_page, name="unsubscribe_page"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
