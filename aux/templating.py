"""Template filters available in every template (registered as a builtin in settings)."""

from django import template

from aux.money import format_money

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "EUR") -> str:
    """`{{ rate.min_fee|money:rate.currency }}` → `€1,200`."""
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), currency)
