"""Remember the language a user signed in with, once, so e-mails reach them in it too; end a
sign-in delay when the password is reset."""

from allauth.account.signals import password_reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import get_language_from_request

from .login_limits import login_failures_clear
from .services import user_set_language


@receiver(user_logged_in, dispatch_uid="aux.users.remember_language")
def remember_language(sender, request, user, **kwargs) -> None:
    """A user without a saved language takes the one the browser asked for when signing in
    (the switcher's cookie, else Accept-Language). A saved choice is never overwritten here:
    only the switcher changes it."""
    if request is None or getattr(user, "language", None) != "":
        return
    asked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.META.get(
        "HTTP_ACCEPT_LANGUAGE"
    )
    if asked:
        user_set_language(user=user, language=get_language_from_request(request))


@receiver(password_reset, dispatch_uid="aux.users.clear_login_failures")
def clear_login_failures(sender, request, user, **kwargs) -> None:
    """A new password set through the e-mailed reset link ends any sign-in delay at once: the
    wrong guesses were aimed at the old one (the notice e-mail says so)."""
    login_failures_clear(email=user.email)
