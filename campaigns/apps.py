from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from artists.hooks import artist_page_section_register
        from brands.hooks import brand_page_section_register

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
        from .reviews import admin as reviews_admin  # noqa: F401 - the reviews moderation queue
        from .reviews.views import artist_reviews_section, brand_reviews_section

        artist_page_section_register(artist_reviews_section)
        brand_page_section_register(brand_reviews_section)
