from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "aux.users"
    label = "users"
    verbose_name = "Users"
