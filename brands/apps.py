from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = "Brands"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the invitation receiver)
