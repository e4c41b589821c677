"""The payout splits block of the contract page (campaigns' template, payments' data).

campaigns may not import payments; its template loads this library instead, so the contract
page shows splits without the bookings layer knowing about them.
"""

from django import template

from aux.numbers import format_bps_percent

from ..selectors import contract_splits_for

register = template.Library()


@register.inclusion_tag("payments/partials/contract_splits.html", takes_context=True)
def contract_splits(context, contract) -> dict:
    user = context["request"].user
    return {"contract": contract, "data": contract_splits_for(user=user, contract=contract)}


@register.filter
def bps_percent(bps: int | None) -> str:
    """4000 → "40%" (fr "40 %"), 3333 → "33.33%": basis points as an exact percentage."""
    return "" if bps is None else format_bps_percent(bps)
