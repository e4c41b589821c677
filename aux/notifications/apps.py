from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "aux.notifications"
    label = "notifications"
    verbose_name = "Notifications"
