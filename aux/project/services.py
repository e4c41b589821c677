"""Sign-up: a new account gets its role and what the role needs to start (an artist profile, or
a brand it owns). Above artists and brands, so the kernel's aux.users never imports them."""

from django.db import transaction
from django.utils import timezone

from artists.services import artist_create
from aux.users.models import User
from brands.services import brand_create


@transaction.atomic
def signup_complete(
    *,
    user: User,
    role: str,
    name: str = "",
    stage_name: str = "",
    brand_name: str = "",
    invitation_token: str = "",
    terms_version: str = "",
) -> User:
    """Give a new account its role and what the role needs to start.

    An artist gets their artist profile; a brand user gets their brand, as its owner, or, when
    they signed up through an invitation link, no brand of their own: they join the inviting
    brand once their address is confirmed (brands.signals.join_invitation), which allauth
    records only after this runs. `terms_version` is the version of the terms and privacy notice
    the sign-up page showed (settings.AUX_TERMS_VERSION), recorded with the time.
    """
    if role not in (User.Role.ARTIST, User.Role.BRAND):
        raise ValueError(f"Cannot sign up with role {role!r}.")
    user.role = role
    user.name = name.strip()
    user.terms_version = terms_version
    user.terms_accepted_at = timezone.now() if terms_version else None
    user.save(update_fields=["role", "name", "terms_version", "terms_accepted_at"])
    if role == User.Role.ARTIST:
        artist_create(user=user, stage_name=stage_name or name or user.email.split("@")[0])
    elif not invitation_token:  # with one, the user joins the inviting brand instead
        brand_create(owner=user, name=brand_name)
    return user
