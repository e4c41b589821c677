"""`manage.py refresh_artist_fees`: recompute every artist's lowest fee in EUR (search)."""

from django.core.management.base import BaseCommand

from artists.services import artists_fees_refresh


class Command(BaseCommand):
    help = (
        "Recompute Artist.lowest_fee_eur (the lowest rate converted with AUX_FX_RATES), which "
        "discovery's max fee and fee sort read. Run it after changing AUX_FX_RATES."
    )

    def handle(self, *args, **options) -> None:
        changed = artists_fees_refresh()
        self.stdout.write(self.style.SUCCESS(f"Lowest fees refreshed: {changed} artists changed."))
