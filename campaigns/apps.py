from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the settings checks
            signals,  # noqa: F401 - connects the snapshot refresh receivers
        )
