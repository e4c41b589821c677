"""Account reads."""

from allauth.account.models import EmailAddress

from .models import User


def email_is_verified(*, user: User, email: str) -> bool:
    """True when `user` has confirmed owning `email` (allauth's EmailAddress, verified).

    The User.email column is what someone typed at signup; only a verified EmailAddress proves
    they read that mailbox.
    """
    if not user or not user.is_authenticated or not email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
