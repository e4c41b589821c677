from importlib import import_module

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        # The settings checks, the snapshot refresh receivers and, since the admin autodiscovers
        # an app's own `admin` module only, the sub-packages' admin registrations.
        for module in ("bookings.checks", "briefs.signals", "bookings.admin", "briefs.admin"):
            import_module(f"{self.name}.{module}")
