from django.conf import settings

from .models import User


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
