from importlib import import_module

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        # Imported here, not at the top: models and the sub-packages load only once the app
        # registry is ready (Django's rule for AppConfig.ready()).
        from artists.hooks import artist_page_section_register
        from brands.hooks import brand_page_section_register

        # The settings checks, the snapshot refresh receivers and, since the admin autodiscovers
        # an app's own `admin` module only, the sub-packages' admin registrations (the reviews
        # moderation queue included).
        for module in (
            "bookings.checks",
            "briefs.signals",
            "bookings.admin",
            "briefs.admin",
            "reviews.admin",
        ):
            import_module(f"{self.name}.{module}")
        # The reviews sit above briefs, artists and brands: they register their readers and
        # page sections in the lower layers' hooks.
        from .briefs.snapshot_store import ratings_reader_register
        from .reviews.selectors import artist_ratings
        from .reviews.views import artist_reviews_section, brand_reviews_section

        artist_page_section_register(artist_reviews_section)
        brand_page_section_register(brand_reviews_section)
        ratings_reader_register(artist_ratings)
