"""`GET|PATCH /api/v1/artists/me/`: the signed-in artist's own, full profile.

PATCH takes any subset of the fields; lists (genres, media_links, audience_countries, rates,
unavailability ...) replace the whole list. Every change goes through the profile services
(artists/services.py), the same ones the dashboard uses, so the rules and the messages are the
same; any error leaves the profile unchanged. Errors use the API's one shape, keyed by field path:
{"detail": ..., "errors": {"rates.0.min_fee": ["The minimum fee cannot be negative."]}}.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.api.parsers import MultiPartParser
from aux.api.serializers import StrictModelSerializer, StrictSerializer
from aux.errors import ApplicationError

from ..models import Artist
from ..selectors import artist_profile_for_user, profile_completeness
from ..services import artist_profile_update


# --- Output ------------------------------------------------------------------------------
class _MediaLinkOut(StrictSerializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class _CountryShareOut(StrictSerializer):
    country = serializers.CharField(source="country.code")
    share = serializers.DecimalField(max_digits=5, decimal_places=4)


class _AgeShareOut(StrictSerializer):
    bucket = serializers.CharField()
    share = serializers.DecimalField(max_digits=5, decimal_places=4)


class _RateOut(StrictSerializer):
    deliverable_type = serializers.CharField(source="deliverable_type.slug")
    deliverable_type_name = serializers.CharField(source="deliverable_type.name")
    min_fee = serializers.IntegerField(help_text="Minor units (cents).")
    currency = serializers.CharField()


class _PeriodOut(StrictSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    note = serializers.CharField()


class _CompletenessOut(StrictSerializer):
    percent = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())


class ArtistMeSerializer(StrictModelSerializer):
    """The whole own profile (also the body of the dashboard's JSON export)."""

    country = serializers.CharField(source="country.code", allow_blank=True)
    photo = serializers.SerializerMethodField()
    is_emerging = serializers.BooleanField(read_only=True)
    genres = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    moods = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    refused_categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    media_links = _MediaLinkOut(many=True, read_only=True)
    followers = serializers.DictField(child=serializers.IntegerField())
    audience_countries = _CountryShareOut(source="audience_shares", many=True, read_only=True)
    audience_ages = _AgeShareOut(source="age_shares", many=True, read_only=True)
    rates = _RateOut(many=True, read_only=True)
    unavailability = _PeriodOut(source="unavailabilities", many=True, read_only=True)
    completeness = serializers.SerializerMethodField()
    deposit_percent = serializers.SerializerMethodField(
        help_text="Share of the fees of live work paid on funding (0–50)."
    )

    class Meta:
        model = Artist
        fields = [
            "slug", "stage_name", "bio", "city", "country", "languages", "photo",
            "verified", "is_emerging", "genres", "moods", "media_links",
            "monthly_listeners", "followers", "engagement_rate", "audience_countries",
            "audience_ages", "rates", "deposit_percent", "unavailability", "refused_categories",
            "completeness", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_photo(self, artist: Artist) -> str | None:
        if not artist.photo:
            return None
        request = self.context.get("request")
        url = artist.photo.url
        return request.build_absolute_uri(url) if request else url

    def get_deposit_percent(self, artist: Artist) -> int:
        return artist.deposit_bps // 100

    @extend_schema_field(_CompletenessOut)
    def get_completeness(self, artist: Artist) -> dict:
        percent, missing = profile_completeness(artist)
        return {"percent": percent, "missing": missing}


# --- Input -------------------------------------------------------------------------------
# Types only: every rule (ranges, sums, known slugs, overlaps) is the services' job.
_SHARE = {"max_digits": 12, "decimal_places": 6}


class _MediaLinkIn(StrictSerializer):
    kind = serializers.CharField()
    title = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField()


class _CountryShareIn(StrictSerializer):
    country = serializers.CharField()
    share = serializers.DecimalField(**_SHARE)


class _AgeShareIn(StrictSerializer):
    bucket = serializers.CharField()
    share = serializers.DecimalField(**_SHARE)


class _RateIn(StrictSerializer):
    deliverable_type = serializers.CharField(help_text="Deliverable type slug (see /taxonomy/).")
    min_fee = serializers.IntegerField(help_text="Minor units (cents), ≥ 0.")
    currency = serializers.CharField(help_text="EUR, USD or GBP.")


class _PeriodIn(StrictSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class ArtistMePatchSerializer(StrictSerializer):
    """Any subset of the profile; lists replace the whole list."""

    stage_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    bio = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    city = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True, help_text="ISO 3166-1.")
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="ISO 639-1 codes."
    )
    photo = serializers.FileField(
        required=False, allow_empty_file=True, help_text="multipart/form-data only."
    )
    remove_photo = serializers.BooleanField(required=False)
    genres = serializers.ListField(child=serializers.CharField(), required=False)
    moods = serializers.ListField(child=serializers.CharField(), required=False)
    media_links = _MediaLinkIn(many=True, required=False)
    monthly_listeners = serializers.IntegerField(required=False)
    followers = serializers.DictField(child=serializers.IntegerField(), required=False)
    engagement_rate = serializers.DecimalField(required=False, **_SHARE)
    audience_countries = _CountryShareIn(many=True, required=False)
    audience_ages = _AgeShareIn(many=True, required=False)
    rates = _RateIn(many=True, required=False)
    deposit_percent = serializers.IntegerField(
        required=False, help_text="Deposit share of live fees, 0–50 (25 is usual for shows)."
    )
    unavailability = _PeriodIn(many=True, required=False)
    refused_categories = serializers.ListField(child=serializers.CharField(), required=False)

    # Shown in GET but never writable here; `verified` is granted by AUX staff only.
    READ_ONLY = frozenset({"slug", "verified", "is_emerging", "completeness", "updated_at"})


_ERROR = inline_serializer(
    "ArtistMeError",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class IsArtistWithProfile(BasePermission):
    message = "Only an artist account with a profile can use this endpoint."

    def has_permission(self, request: Request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and Artist.objects.filter(user=request.user).exists()
        )


class ArtistMeView(APIView):
    """The signed-in artist's own profile."""

    permission_classes = [IsAuthenticated, IsArtistWithProfile]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _artist(self, request: Request) -> Artist:
        artist = artist_profile_for_user(user=request.user)
        if artist is None:  # deleted between the permission check and now
            raise ApplicationError(IsArtistWithProfile.message)
        return artist

    @extend_schema(
        operation_id="artists_me_retrieve",
        responses={200: ArtistMeSerializer, 401: _ERROR, 403: _ERROR},
        tags=["artists"],
    )
    def get(self, request: Request) -> Response:
        artist = self._artist(request)
        return Response(ArtistMeSerializer(artist, context={"request": request}).data)

    @extend_schema(
        operation_id="artists_me_partial_update",
        request={
            "application/json": ArtistMePatchSerializer,
            "multipart/form-data": ArtistMePatchSerializer,
        },
        responses={200: ArtistMeSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
        tags=["artists"],
    )
    def patch(self, request: Request) -> Response:
        artist = self._artist(request)
        data = ArtistMePatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        artist_profile_update(artist=artist, actor=request.user, **data.validated_data)
        artist = self._artist(request)
        return Response(ArtistMeSerializer(artist, context={"request": request}).data)
