"""System checks of campaigns: settings the booking rules depend on."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_offer_ttl(app_configs, **kwargs) -> list[Error]:
    """The default expiry of an offer must be one the brand could pick (1 to 30 days)."""
    from .services import OFFER_EXPIRY_DAYS_MAX, OFFER_EXPIRY_DAYS_MIN

    days = settings.AUX_OFFER_TTL_DAYS
    if OFFER_EXPIRY_DAYS_MIN <= days <= OFFER_EXPIRY_DAYS_MAX:
        return []
    return [
        Error(
            f"AUX_OFFER_TTL_DAYS is {days}; an offer stays open between "
            f"{OFFER_EXPIRY_DAYS_MIN} and {OFFER_EXPIRY_DAYS_MAX} days.",
            hint="Set AUX_OFFER_TTL_DAYS to a whole number of days in that range (default 7).",
            id="campaigns.E001",
        )
    ]
