"""Money is stored as integer minor units (cents) with an ISO-4217 currency, never as float."""

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import translation


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

# Decimal places of each currency's minor unit (ISO 4217); all ours have cents.
DECIMALS = {"EUR": 2, "USD": 2, "GBP": 2}


def decimals(currency: str) -> int:
    return DECIMALS.get(currency, 2)


def to_minor(amount: Decimal, currency: str) -> int:
    """`Decimal("3200.00"), "EUR"` → `320000`. Exact: an amount with more decimals than the
    currency has is a ValueError (never rounded silently)."""
    scaled = Decimal(amount).scaleb(decimals(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {decimals(currency)} decimals")
    return int(scaled)


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """`320000, "EUR"` → `Decimal("3200.00")` (for a form's initial value)."""
    places = decimals(currency)
    return Decimal(amount_minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def fx_factor(from_currency: str, to_currency: str) -> float:
    """What 1 unit of `from_currency` is worth in `to_currency`, from AUX_FX_RATES (1 unit of each
    currency in EUR). The matching engine receives the same table and converts with the same
    factor (campaigns.matching.engine._conversion)."""
    rates = settings.AUX_FX_RATES
    return rates[from_currency] / rates[to_currency]


def convert(amount_minor: int, from_currency: str, to_currency: str) -> int:
    """`amount_minor` in `to_currency`, rounded to the minor unit half to even: exactly what the
    engine computes for a fee (`np.rint(fee * factor)`), so search and matching agree."""
    if from_currency == to_currency:
        return amount_minor
    return round(amount_minor * fx_factor(from_currency, to_currency))


def max_amount_in(limit_minor: int, limit_currency: str, currency: str) -> int:
    """The largest amount in `currency` that converts to at most `limit_minor` of
    `limit_currency` (a "max fee" typed in one currency, applied to fees stored in another)."""
    if currency == limit_currency:
        return limit_minor
    amount = int((limit_minor + 1) / fx_factor(currency, limit_currency)) + 1
    while amount >= 0 and convert(amount, currency, limit_currency) > limit_minor:
        amount -= 1
    return amount


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


# --- The platform fee: the brand pays the contract total plus the fee in one Stripe payment ----
# (here, in the kernel, because bookings refuse offers Stripe could not charge and payments
# charges them: both read one rule)

BPS = 10_000
# The most Stripe charges in one PaymentIntent, in minor units (999,999.99 in EUR, USD and GBP).
MAX_CHARGE_AMOUNT = 99_999_999


def platform_fee_bps() -> int:
    """The platform fee rate in basis points (AUX_PLATFORM_FEE_BPS)."""
    return settings.AUX_PLATFORM_FEE_BPS


def fee_for(amount: int, fee_bps: int) -> int:
    """The platform fee on `amount`, rounded half up to the cent."""
    if amount < 0 or fee_bps < 0:
        raise ValueError("amount and fee_bps must be non-negative")
    return (amount * fee_bps * 2 + BPS) // (2 * BPS)


def max_total_for(fee_bps: int) -> int:
    """The largest contract total whose charge (total + fee) Stripe takes in one payment."""
    low, high = 0, MAX_CHARGE_AMOUNT
    while low < high:
        mid = (low + high + 1) // 2
        if mid + fee_for(mid, fee_bps) <= MAX_CHARGE_AMOUNT:
            low = mid
        else:
            high = mid - 1
    return low


def split_largest_remainder(amount: int, shares: Sequence[int]) -> list[int]:
    """Split `amount` by `shares` (weights, e.g. basis points) so the parts sum to `amount`.

    Each part is the floor of its exact share; the cents left over go one each to the largest
    fractional remainders (ties to the earlier share). Parts differ from the exact shares by less
    than one cent, and equal shares get parts differing by at most one cent.
    """
    if amount < 0:
        raise ValueError("amount must be non-negative")
    if not shares or any(s < 0 for s in shares) or sum(shares) <= 0:
        raise ValueError("shares must be non-negative with a positive sum")
    total = sum(shares)
    floors = [amount * s // total for s in shares]
    remainders = [amount * s % total for s in shares]
    left = amount - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors
