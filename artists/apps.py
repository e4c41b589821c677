from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "artists"
    verbose_name = "Artists"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the search-tag receivers)
