"""Money is stored as integer minor units (cents) with an ISO-4217 currency, never as float."""

from django.db import models
from django.utils import translation


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

# French conventions (CLDR fr): a narrow no-break space groups thousands, a comma marks the
# decimals, the symbol follows after a no-break space; "$US" because "$" alone is ambiguous.
FR_SYMBOLS = {"EUR": "€", "USD": "$US", "GBP": "£"}
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _language(locale: str | None) -> str:
    code = locale or translation.get_language() or "en"
    return code.split("-")[0].split("_")[0].lower()


def format_money(amount_minor: int, currency: str, locale: str | None = None) -> str:
    """Money in the conventions of `locale` (default: the active language).

    en: `12345, "EUR"` → `€123.45`; whole amounts drop the cents (`€1,200`).
    fr: `120050, "EUR"` → `1 200,50 €` (narrow no-break space between thousands, no-break space
    before the symbol); `120000, "USD"` → `1 200 $US`.
    """
    major, minor = divmod(abs(amount_minor), 100)
    sign = "-" if amount_minor < 0 else ""
    if _language(locale) == "fr":
        text = f"{major:,}".replace(",", NARROW_NBSP)
        if minor:
            text = f"{text},{minor:02d}"
        return f"{sign}{text}{NBSP}{FR_SYMBOLS.get(currency, currency)}"
    text = f"{major:,}" if minor == 0 else f"{major:,}.{minor:02d}"
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{text}"
