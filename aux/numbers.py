"""Numbers and percentages in the conventions of the active language (as aux.money does for
money): en `89,000` and `7.9%`; fr `89 000` and `7,9 %` (narrow no-break spaces)."""

from django.utils import translation

from aux.money import NARROW_NBSP


def _french(locale: str | None) -> bool:
    code = locale or translation.get_language() or "en"
    return code.split("-")[0].split("_")[0].lower() == "fr"


def format_number(value: float, decimals: int = 0, locale: str | None = None) -> str:
    """`89000` → en `89,000`, fr `89 000`; `0.25, 2` → en `0.25`, fr `0,25`."""
    text = f"{value:,.{decimals}f}"
    if _french(locale):
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def format_percent(share: float, locale: str | None = None, decimals: int | None = None) -> str:
    """A share in [0, 1] as a percentage: whole from 10% up, one decimal below (`7.9%`,
    fr `7,9 %`); `decimals` when the figure must be exact (a payout split's `33.33%`)."""
    pct = share * 100
    if decimals is None:
        decimals = 0 if pct >= 10 or pct == int(pct) else 1
    number = format_number(pct, decimals, locale)
    return f"{number}{NARROW_NBSP}%" if _french(locale) else f"{number}%"


def format_bps_percent(bps: int, locale: str | None = None) -> str:
    """Basis points as an exact percentage: `3000` → en `30%`, fr `30 %`; `3333` → `33.33%`."""
    return format_percent(bps / 10_000, locale, decimals=0 if bps % 100 == 0 else 2)
