from django.conf import settings
from django.db import transaction
from django.utils import timezone

from artists.services import artist_create
from aux.errors import ApplicationError
from brands.services import brand_create, invitation_accept

from .models import User


@transaction.atomic
def user_complete_signup(
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
    brand once their address is confirmed (`user_join_invitation`), which allauth records only
    after this runs. `terms_version` is the version of the terms and privacy notice the sign-up
    page showed (settings.AUX_TERMS_VERSION), recorded with the time.
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
    elif invitation_token:
        pass  # joins through user_join_invitation once the address is confirmed
    else:
        brand_create(owner=user, name=brand_name)
    return user


def user_join_invitation(*, user: User, token: str) -> bool:
    """Accept the invitation behind `token` for a new account if its address is confirmed.

    True when the user joined. An unconfirmed address, or an invitation that is no longer
    pending, is no error here: the invitation page tells the user what to do.
    """
    if not token:
        return False
    try:
        invitation_accept(user=user, token=token)
    except ApplicationError:
        return False
    return True


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language pages and e-mails are shown in for this user.

    Only the site's languages are accepted (settings.LANGUAGES); anything else is a ValueError.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def login_delay_notice_send(*, user_id: int) -> bool:
    """E-mail the owner that repeated wrong passwords are slowing down sign-ins to their account
    (aux.users.login_limits), in their language, with what to do. False if the user is gone."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    with translation.override(user.email_language):
        subject = gettext("Several wrong passwords were tried on your AUX account")
        body = render_to_string(
            "account/email/login_delayed.txt",
            {"user": user, "site_url": settings.SITE_URL.rstrip("/")},
        )
    EmailMessage(subject, body, None, [user.email]).send()
    return True
