from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from .login_limits import login_delay_remaining, login_failure_record, login_failures_clear


class AccountAdapter(DefaultAccountAdapter):
    """Signup can be closed with ACCOUNT_ALLOW_REGISTRATION=0 (an invite-only deployment).

    Sign-in also follows the per-account rule of aux.users.login_limits (growing delays after
    wrong passwords), the same rule the API's token view applies.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # During a delay nothing is checked or counted, the right password included.
        if login_delay_remaining(email=credentials.get("email", "")):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_failures_clear(email=credentials.get("email", ""))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login_failure_record(email=credentials.get("email", ""))
