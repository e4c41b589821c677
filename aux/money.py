"""Money is stored as integer minor units (cents) with an ISO-4217 currency, never as float."""

from django.db import models


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_money(amount_minor: int, currency: str) -> str:
    """`12345, "EUR"` → `€123.45`; whole amounts drop the cents (`€1,200`)."""
    major, minor = divmod(abs(amount_minor), 100)
    sign = "-" if amount_minor < 0 else ""
    text = f"{major:,}" if minor == 0 else f"{major:,}.{minor:02d}"
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{text}"
