from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        # The admin autodiscovers an app's admin module only: the sub-packages register theirs here.
        from .bookings import (
            admin,  # noqa: F401
            checks,  # noqa: F401 - registers the settings checks
        )
        from .briefs import (
            admin as briefs_admin,  # noqa: F401
        )
        from .briefs import (
            signals,  # noqa: F401 - connects the snapshot refresh receivers
        )
