"""Public, read-only artist API: search (the same ArtistFilter as /artists/), profile, taxonomy."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import ArtistFilter
from ..models import Artist
from ..pagination import CappedCountPaginator
from ..selectors import artist_public_detail, artists_for_discovery, taxonomy
from .serializers import (
    ArtistDetailSerializer,
    ArtistListSerializer,
    ErrorSerializer,
    TaxonomySerializer,
)


class DiscoveryPagination(PageNumberPagination):
    """Same page sizes as the HTML page: 24 by default, `page_size` up to 100. `count` is exact
    up to 10,000 matches; above, it is 10,000 and `count_is_exact` is false (artists/pagination)."""

    django_paginator_class = CappedCountPaginator
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        # DRF falls back to the default for any value it cannot read; a value that is not a
        # whole number from 1 to 100 is a 400 instead (a blank one is the default).
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw.strip() and not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError({"page_size": [gettext("Enter a whole number from 1 to 100.")]})
        return super().get_page_size(request)

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response({
            "count": paginator.count, "count_is_exact": paginator.count_is_exact,
            "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data,
        })  # fmt: skip

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": "False when there are more matches than `count` (10,000) says.",
        }
        described["required"] = [*described.get("required", []), "count_is_exact"]
        return described


@extend_schema_view(
    list=extend_schema(
        summary="Search artists",
        description=(
            "Full-text search (`q`) and filters, shared with the /artists/ page. `max_fee` is in "
            "minor units. Sort: `relevance` (default when `q` is given), `audience` (default "
            "otherwise), `fee` (lowest first, for `deliverable` when given)."
        ),
        parameters=[
            OpenApiParameter(
                "language", str, pattern=r"^[a-zA-Z]{2}$", description="ISO 639-1 code, e.g. en."
            )
        ],
        responses={200: ArtistListSerializer(many=True), 400: ErrorSerializer},
        auth=[],
    ),
    retrieve=extend_schema(
        summary="An artist's public profile",
        responses={200: ArtistDetailSerializer, 404: ErrorSerializer},
        auth=[],
    ),
)
class ArtistViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = DiscoveryPagination
    filterset_class = ArtistFilter
    lookup_field = "slug"
    # `me` is not an artist: /api/v1/artists/me/ belongs to the own-profile API.
    lookup_value_regex = r"(?!me/)[-a-zA-Z0-9_]+"
    queryset = Artist.objects.none()  # for the schema; get_queryset() does the work

    def get_queryset(self):
        return artists_for_discovery()

    def get_serializer_class(self):
        return ArtistDetailSerializer if self.action == "retrieve" else ArtistListSerializer

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        # Already validated by ArtistFilter when the list is served; only compared to slugs.
        context["deliverable_slug"] = self.request.query_params.get("deliverable") or None
        return context

    def get_object(self) -> Artist:
        try:
            return artist_public_detail(slug=self.kwargs["slug"])
        except Artist.DoesNotExist:
            raise Http404 from None


class TaxonomyView(APIView):
    """The vocabularies to build search forms and profiles from."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Genres, moods, deliverable types and brand categories",
        responses={200: TaxonomySerializer},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        return Response(TaxonomySerializer(taxonomy()).data)
