"""Who may do what with a brief: read from the user's membership of the brief's brand."""

from django.utils.translation import gettext

from aux.errors import NotFoundError, PermissionDeniedError
from aux.users.models import User
from brands import selectors as brand_selectors
from brands.models import Brand, Membership

from .models import Brief


def brand_role(user: User, brand: Brand) -> str | None:
    """campaigns' shorthand for brands.selectors.brand_role, the one brand-role lookup."""
    return brand_selectors.brand_role(user=user, brand=brand)


def can_view_brief(user: User, brief: Brief) -> bool:
    """Published/closed public briefs are visible to everyone signed in; the rest to the brand."""
    if user.is_authenticated and user.is_staff:
        return True
    public = brief.visibility == Brief.Visibility.PUBLIC
    if (
        public
        and user.is_authenticated
        and brief.status in (Brief.Status.PUBLISHED, Brief.Status.CLOSED)
    ):
        return True
    return brand_role(user, brief.brand) is not None


def check_can_view_brief(user: User, brief: Brief) -> None:
    # A brief one may not see does not exist, as far as one can tell (no 403 leak of ids).
    if not can_view_brief(user, brief):
        raise NotFoundError(gettext("No such brief."))


def check_can_edit_brand_briefs(user: User, brand: Brand) -> None:
    role = brand_role(user, brand)
    if role not in (Membership.Role.OWNER, Membership.Role.MANAGER):
        raise PermissionDeniedError(
            gettext("Only the brand's owners and managers can create or change its briefs.")
        )


def can_see_matches(user: User, brief: Brief) -> bool:
    return (user.is_authenticated and user.is_staff) or brand_role(user, brief.brand) is not None
