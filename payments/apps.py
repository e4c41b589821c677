from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Imported here: models are loaded only once the app registry is ready.
        from . import (
            checks,  # noqa: F401 (registers the Stripe settings check)
            receivers,
        )

        receivers.connect()
