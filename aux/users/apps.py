from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "aux.users"
    label = "users"
    verbose_name = "Users"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the language receiver)
