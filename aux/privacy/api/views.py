"""`POST /api/v1/me/export/` and `POST /api/v1/me/close/`: the signed-in user's own data."""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.api.serializers import StrictSerializer
from aux.errors import ApplicationError

from .. import services

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    401: OpenApiResponse(description="Not signed in"),
    409: OpenApiResponse(description="The account cannot be closed yet: errors.account says why"),
}


class ExportOutSerializer(StrictSerializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The page that lists your archives and their links.")


class CloseInSerializer(StrictSerializer):
    password = serializers.CharField(
        write_only=True, help_text="Your current password, to confirm."
    )


class ExportMeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={202: ExportOutSerializer, **ERRORS},
        summary="Request an archive of everything AUX holds about you",
        description="Built in the background; the link is e-mailed and listed on the "
        "account data page (`url`), and works for AUX_EXPORT_TTL_HOURS.",
    )
    def post(self, request):
        archive = services.export_request(user=request.user, requested_by=request.user)
        data = {
            "id": archive.pk,
            "status": archive.status,
            "created_at": archive.created_at,
            "url": request.build_absolute_uri(reverse("privacy:account")),
        }
        return Response(ExportOutSerializer(data).data, status=202)


class CloseMeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CloseInSerializer,
        responses={
            200: inline_serializer("ClosedOut", {"detail": serializers.CharField()}),
            **ERRORS,
        },
        summary="Close your account (erases your personal data; the books are kept)",
    )
    def post(self, request):
        data = CloseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.check_password(data.validated_data["password"]):
            raise ApplicationError(
                gettext("This is not your current password."),
                errors={"password": [gettext("This is not your current password.")]},
            )
        services.account_close(user=request.user)
        return Response({"detail": gettext("Your account is closed.")})
