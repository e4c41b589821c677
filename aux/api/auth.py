"""`POST /api/v1/auth/token/` with e-mail and password gives an integrator its API token."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from aux.api.serializers import StrictSerializer


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
        user = authenticate(
            request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            return Response(
                {"detail": gettext("Wrong e-mail or password."), "errors": {}},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
