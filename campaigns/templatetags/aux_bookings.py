"""Booking bits for templates: masked messages and the dashboards' booking lists."""

from django import template

from ..masking import mask_contact_details
from ..selectors import bookings_for_artist, bookings_for_brand

register = template.Library()


@register.filter
def contact_mask(text: str, visible: bool = False) -> str:
    """`{{ m.body|contact_mask:contacts_visible }}`: contact details hidden until signed."""
    return text if visible else mask_contact_details(text)


@register.inclusion_tag("campaigns/partials/artist_bookings_lists.html")
def artist_bookings(artist) -> dict:
    return {"artist": artist, **bookings_for_artist(artist=artist)}


@register.inclusion_tag("campaigns/partials/brand_bookings_lists.html")
def brand_bookings(brand) -> dict:
    return {"brand": brand, **bookings_for_brand(brand=brand)}
