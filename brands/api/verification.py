"""`/api/v1/brands/{slug}/verification/`: members read the state; owners and managers POST a
request with the evidence (brands.verification decides what is accepted). The state's shape
(VerificationStateSerializer, verification_state) is the artist's too (artists.api.verification)."""

from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.api.serializers import StrictModelSerializer, StrictSerializer
from aux.errors import NotFoundError

from ..models import Brand, BrandVerificationRequest
from ..selectors import brand_role
from ..verification import (
    brand_verification_badge,
    brand_verification_latest,
    brand_verification_request,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid evidence: {detail, errors: {field: [messages]}}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="Only owners and managers ask for verification"),
    404: OpenApiResponse(description="No such brand (or you are not a member)"),
    409: OpenApiResponse(description="Already verified, or a request is waiting"),
}


class BrandVerificationRequestSerializer(StrictModelSerializer):
    class Meta:
        model = BrandVerificationRequest
        fields = ["id", "status", "website_domain", "registration_number", "contact_name",
                  "created_at", "decided_at", "decision_reason"]  # fmt: skip
        read_only_fields = ["id", "status", "created_at", "decided_at", "decision_reason"]


class VerificationStateSerializer(StrictSerializer):
    """What a brand's and an artist's verification state share; each adds its `request`."""

    verified = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    what_was_verified = serializers.CharField(allow_null=True)


def verification_state(
    subject: Model, *, badge: dict | None, latest: Model | None, request_serializer: type
) -> dict:
    """A brand's or an artist's verification state as VerificationStateSerializer reads it."""
    return {
        "verified": subject.verified, "verified_at": subject.verified_at,
        "what_was_verified": badge["what"] if badge else None,
        "request": request_serializer(latest).data if latest else None,
    }  # fmt: skip


class BrandVerificationSerializer(VerificationStateSerializer):
    request = BrandVerificationRequestSerializer(allow_null=True, help_text="The latest request.")


def _state(brand: Brand) -> dict:
    return verification_state(
        brand, badge=brand_verification_badge(brand=brand),
        latest=brand_verification_latest(brand=brand),
        request_serializer=BrandVerificationRequestSerializer,
    )  # fmt: skip


class BrandVerificationView(APIView):
    """The brand's verification: state and latest request (members); POST asks staff to verify
    the brand (owners and managers): the website domain must be the requester's e-mail domain."""

    permission_classes = [IsAuthenticated]

    def _brand(self, request: Request, slug: str) -> Brand:
        brand = get_object_or_404(Brand, slug=slug)
        if brand_role(user=request.user, brand=brand) is None:
            raise NotFoundError(gettext("No such brand."))
        return brand

    @extend_schema(responses={200: BrandVerificationSerializer, 401: ERRORS[401], 404: ERRORS[404]})
    def get(self, request: Request, slug: str) -> Response:
        return Response(_state(self._brand(request, slug)))

    @extend_schema(
        request=BrandVerificationRequestSerializer,
        responses={201: BrandVerificationSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        brand = self._brand(request, slug)
        data = BrandVerificationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brand_verification_request(actor=request.user, brand=brand, **data.validated_data)
        brand.refresh_from_db()
        return Response(_state(brand), status=201)
