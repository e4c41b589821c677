"""Open-call bits for the brief and match pages (their views stay as they are)."""

from django import template

from brands.models import Membership
from campaigns.bookings.selectors import application_of, applications_for_brief
from campaigns.briefs.permissions import brand_role

register = template.Library()


@register.inclusion_tag("campaigns/partials/open_call_box.html", takes_context=True)
def open_call_box(context, brief) -> dict:
    """On the brief page: the brand's open-call switch, or the artist's apply button / status."""
    user = context["request"].user
    role = brand_role(user, brief.brand)
    return {
        "brief": brief,
        "csrf_token": context.get("csrf_token"),
        "can_switch": role in (Membership.Role.OWNER, Membership.Role.MANAGER)
        and brief.status != "closed",
        "is_artist": hasattr(user, "artist"),
        "application": application_of(brief=brief, user=user),
    }


@register.inclusion_tag("campaigns/partials/applicants.html", takes_context=True)
def applicants_section(context, brief) -> dict:
    """On the match page: the open call's applicants with their match score, and the actions."""
    # Only open calls show the section: a brief that never was one costs the page no query.
    if not brief.open_call:
        return {"brief": brief, "show": False}
    role = brand_role(context["request"].user, brief.brand)
    return {
        "brief": brief,
        "show": True,
        "csrf_token": context.get("csrf_token"),
        "applications": list(applications_for_brief(brief=brief)),
        "can_act": role in (Membership.Role.OWNER, Membership.Role.MANAGER),
    }
