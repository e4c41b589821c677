"""What the payments services share: the logger, the ledger accounts, their errors, the clock
and notifications."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from aux.errors import ApplicationError
from aux.notifications.services import notify
from brands.recipients import brand_recipients

from ..models import LedgerEntry

# One logger for all of payments.services, as before the split into modules.
logger = logging.getLogger("payments.services")
Account = LedgerEntry.Account


class LedgerInvariantError(ApplicationError):
    """A movement would break the ledger's rules: it is refused and rolled back."""

    status = 409


def _now():
    return timezone.now()


class StripeMismatchError(ApplicationError):
    """Stripe's copy of an object disagrees with our row: nothing is moved, staff are told.

    `message` is for the user; `detail` (logged, kept on the webhook event) says what differs.
    """

    status = 409

    def __init__(self, detail: str) -> None:
        super().__init__(
            gettext("Stripe's record of this payment does not match ours; nothing was changed.")
        )
        self.detail = detail


def _tell(
    *, kind: str, target, users=(), brand=None, text: str, params: dict[str, Any], url: str
) -> None:
    """Notify the given users (and the brand's members who should see `kind`) after commit."""
    recipients = [u for u in users if u is not None]
    if brand is not None:
        recipients += list(brand_recipients(brand, kind=kind))
    notify(recipients=recipients, kind=kind, target=target, text=text, params=params, url=url)
