from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from artists.hooks import artist_page_section_register
        from brands.hooks import brand_page_section_register

        from . import (
            checks,  # noqa: F401 - registers the settings checks
            signals,  # noqa: F401 - connects the snapshot refresh receivers
        )
        from .reviews.views import artist_reviews_section, brand_reviews_section

        artist_page_section_register(artist_reviews_section)
        brand_page_section_register(brand_reviews_section)
