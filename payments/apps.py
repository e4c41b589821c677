from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Imported here: models are loaded only once the app registry is ready.
        from campaigns.bookings.hooks import contract_money_reader_register

        from . import (
            checks,  # noqa: F401 (registers the Stripe settings check)
            receivers,
        )
        from .selectors import contract_money

        receivers.connect()
        # The contract page and API show what the escrow paid, refunded and still holds.
        contract_money_reader_register(contract_money)
