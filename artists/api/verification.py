"""`/api/v1/artists/me/verification/`: the signed-in artist's verification state; POST asks
staff to verify the profile with links to the artist's platform pages (artists.verification)."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.api.serializers import StrictModelSerializer
from aux.errors import NotFoundError
from brands.api.verification import VerificationStateSerializer, verification_state

from ..models import Artist, ArtistVerificationRequest
from ..selectors import artist_profile_for_user
from ..verification import (
    MAX_LINKS,
    artist_verification_badge,
    artist_verification_latest,
    artist_verification_request,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid links: {detail, errors: {field: [messages]}}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="Not allowed"),
    404: OpenApiResponse(description="Your account has no artist profile"),
    409: OpenApiResponse(description="Already verified, or a request is waiting"),
}


class ArtistVerificationRequestSerializer(StrictModelSerializer):
    links = serializers.ListField(
        child=serializers.CharField(max_length=500), min_length=1, max_length=MAX_LINKS,
        help_text="https:// links to your pages on streaming and social platforms.",
    )  # fmt: skip

    class Meta:
        model = ArtistVerificationRequest
        fields = ["id", "status", "links", "created_at", "decided_at", "decision_reason"]
        read_only_fields = ["id", "status", "created_at", "decided_at", "decision_reason"]


class ArtistVerificationSerializer(VerificationStateSerializer):
    request = ArtistVerificationRequestSerializer(allow_null=True, help_text="The latest request.")


def _state(artist: Artist) -> dict:
    return verification_state(
        artist, badge=artist_verification_badge(artist=artist),
        latest=artist_verification_latest(artist=artist),
        request_serializer=ArtistVerificationRequestSerializer,
    )  # fmt: skip


class ArtistVerificationView(APIView):
    """Your verification as an artist: state and latest request; POST asks staff to verify."""

    permission_classes = [IsAuthenticated]

    def _artist(self, request: Request) -> Artist:
        artist = artist_profile_for_user(user=request.user)
        if artist is None:
            raise NotFoundError(gettext("Your account has no artist profile."))
        return artist

    @extend_schema(
        responses={200: ArtistVerificationSerializer, 401: ERRORS[401], 404: ERRORS[404]}
    )
    def get(self, request: Request) -> Response:
        return Response(_state(self._artist(request)))

    @extend_schema(
        request=ArtistVerificationRequestSerializer,
        responses={201: ArtistVerificationSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        artist = self._artist(request)
        data = ArtistVerificationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        artist_verification_request(actor=request.user, artist=artist, **data.validated_data)
        artist.refresh_from_db()
        return Response(_state(artist), status=201)
