"""An offer's usage rights in words for people: channel names, not codes ("events, social"), and
country names in the page's language, not ISO codes."""

from django import template
from django.utils.translation import gettext_lazy as _
from django_countries import countries

register = template.Library()

# The page's words for campaigns.bookings.services.USAGE_CHANNELS (whose English labels are
# the terms').
CHANNELS = {
    "social": _("Social media"), "online_video": _("Online video"),
    "web": _("Websites and e-commerce"), "tv": _("TV"), "radio": _("Radio and podcasts"),
    "ooh": _("Out of home"), "print": _("Print"), "in_store": _("In store"),
    "events": _("Live events"), "streaming": _("Streaming platforms"),
}  # fmt: skip


@register.filter
def channel_names(codes: list[str] | None) -> str:
    """`["events", "social"]` → `Live events, Social media` (fr: `Événements, Réseaux sociaux`)."""
    return ", ".join(str(CHANNELS.get(code, code)) for code in codes or [])


@register.filter
def country_names(codes: list[str] | None) -> str:
    """`["DE", "FR"]` → `Germany, France` in the active language."""
    names = dict(countries)
    return ", ".join(str(names.get(code, code)) for code in codes or [])
