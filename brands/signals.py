"""A new account that came from a brand invitation link joins that brand."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from aux.errors import ApplicationError

from .services import invitation_accept

# The session key views.invitation_link stores the e-mailed token under.
INVITATION_SESSION_KEY = "brands_invitation_token"


@receiver(user_signed_up, dispatch_uid="brands.join_invitation")
def join_invitation(sender, request, user, **kwargs) -> None:
    """allauth sends this after the account and its EmailAddress exist: an address confirmed by
    opening the invitation link (stashed as verified) lets the new account join at once.

    An unconfirmed address, or an invitation no longer pending, is no error here: the invitation
    page tells the user what to do."""
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.get(INVITATION_SESSION_KEY, "")
    if not token:
        return
    try:
        invitation_accept(user=user, token=token)
    except ApplicationError:
        return
    request.session.pop(INVITATION_SESSION_KEY, None)
