"""`POST /api/v1/auth/token/` with e-mail and password gives an integrator its API token.

Guarded like the login form: per client by DRF's throttle (20/min by default, the client being
REMOTE_ADDR unless AUX_NUM_PROXIES trusts proxies) and allauth's "login_failed" rate, and per
account by aux.users.login_limits (growing delays after wrong passwords, from any client).
"""

import math

from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext, ngettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from aux.api.serializers import StrictSerializer
from aux.users.login_limits import login_delay_remaining, login_failure_record, login_failures_clear
from aux.users.selectors import email_is_verified


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenThrottle(AnonRateThrottle):
    scope = "token"  # per IP, REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]


class ObtainTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            # 400 (the e-mail is not an e-mail) and 401 (wrong e-mail or password) are the
            # shared error responses (aux/api/schema.py).
        },
        auth=[],
    )
    def post(self, request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        # During a delay the password is not even checked (the right one waits too).
        wait = login_delay_remaining(email=email)
        if wait:
            return _too_many(wait)
        # Per client, allauth's "login_failed" rate (the login form's): only failures count.
        if not ratelimit.consume(request._request, action="login_failed", dry_run=True):
            return _too_many(60)
        user = authenticate(request, email=email, password=data.validated_data["password"])
        if user is None or not user.is_active:
            ratelimit.consume(request._request, action="login_failed")
            login_failure_record(email=email)
            return Response(
                {"detail": gettext("Wrong e-mail or password."), "errors": {}},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        login_failures_clear(email=email)
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not email_is_verified(
            user=user, email=user.email
        ):
            # The login form's rule (ACCOUNT_EMAIL_VERIFICATION = mandatory), for the API too.
            return Response(
                {"detail": gettext("Confirm your e-mail address first: we sent you a link."),
                 "errors": {}},
                status=status.HTTP_403_FORBIDDEN,
            )  # fmt: skip
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def _too_many(seconds: int) -> Response:
    seconds = max(1, math.ceil(seconds))
    return Response(
        {
            "detail": ngettext(
                "Too many failed sign-in attempts: try again in %(n)d second.",
                "Too many failed sign-in attempts: try again in %(n)d seconds.",
                seconds,
            )
            % {"n": seconds},
            "errors": {},
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(seconds)},
    )
