"""Template filters available in every template (registered as a builtin in settings)."""

from django import template
from django.utils.safestring import SafeString

from aux.markdown import render_markdown
from aux.money import format_money
from aux.numbers import format_percent

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "EUR") -> str:
    """`{{ rate.min_fee|money:rate.currency }}` → `€1,200`."""
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), currency)


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """`{{ artist.bio|markdown }}`: Markdown rendered, then sanitised (no script gets through)."""
    return render_markdown(text)


@register.filter
def percent(value: float | int | None, per: int = 1) -> str:
    """`{{ 0.075|percent }}` → en `7.5%`, fr `7,5 %`; `{{ fee_bps|percent:10000 }}` for basis
    points (1000 → `10%`)."""
    if value is None:
        return ""
    return format_percent(float(value) / per)
