"""Booking bits for templates: masked messages and the dashboards' booking lists."""

from django import template

from campaigns.bookings.masking import mask_unless
from campaigns.bookings.selectors import (
    bookings_for_artist,
    bookings_for_brand,
    contacts_visible,
    offer_time_left,
)

register = template.Library()


@register.filter
def contact_mask(text: str, visible: bool = False) -> str:
    """`{{ m.body|contact_mask:contacts_visible }}`: contact details hidden until signed."""
    return mask_unless(text, visible=bool(visible))


@register.filter
def contact_mask_for(text: str, booking) -> str:
    """`{{ a.pitch|contact_mask_for:a }}`: masked unless `booking` (an offer, application or
    contract) has a contract both sides signed (campaigns.bookings.selectors.contacts_visible)."""
    return mask_unless(text, visible=contacts_visible(booking))


@register.filter
def time_left(offer) -> str:
    """`{{ offer|time_left }}`: "3 days left", "expires in 5 hours", "expired" (translated)."""
    return offer_time_left(offer)


@register.inclusion_tag("campaigns/partials/artist_bookings_lists.html")
def artist_bookings(artist) -> dict:
    return {"artist": artist, **bookings_for_artist(artist=artist)}


@register.inclusion_tag("campaigns/partials/brand_bookings_lists.html")
def brand_bookings(brand) -> dict:
    return {"brand": brand, **bookings_for_brand(brand=brand)}
