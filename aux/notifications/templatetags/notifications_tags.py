from django import template

from ..selectors import unread_count
from ..views import poll_seconds

register = template.Library()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The navigation bell with the signed-in user's unread count."""
    user = context["request"].user
    return {"unread_count": unread_count(user=user), "poll_seconds": poll_seconds()}
