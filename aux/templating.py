"""Template filters available in every template (registered as a builtin in settings)."""

from django import template
from django.utils.safestring import SafeString

from aux.markdown import render_markdown
from aux.money import format_money

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
