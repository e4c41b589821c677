"""`/api/v1/artists/{slug}/reviews/`, `/api/v1/brands/{slug}/reviews/` (public, paginated, only
published reviews with their answer), `POST /api/v1/reviews/{id}/answer/` (the reviewed side,
once) and `POST /api/v1/reviews/{id}/report/` (anyone signed in). Thin: .selectors, .services."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.models import Artist
from aux.api.serializers import StrictModelSerializer, StrictSerializer
from aux.errors import NotFoundError
from brands.models import Brand

from ..bookings.models import Review, ReviewReport, Side
from . import services
from .selectors import reviews_of_artist, reviews_of_brand, reviews_published, reviews_summary

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="You may not take this step"),
    404: OpenApiResponse(description="No such review (or not published)"),
    409: OpenApiResponse(description="Already done"),
}


class PublicReviewSerializer(StrictModelSerializer):
    author_side = serializers.CharField(read_only=True, help_text="brand or artist")
    author_name = serializers.SerializerMethodField(help_text="The brand's or artist's name.")

    class Meta:
        model = Review
        fields = ["id", "rating", "text", "created_at", "author_side", "author_name", "reply",
                  "replied_at"]  # fmt: skip
        read_only_fields = fields

    def get_author_name(self, review: Review) -> str:
        contract = review.contract
        return (
            contract.brand.name if review.author_side == Side.BRAND else contract.artist.stage_name
        )


class ReviewPagination(PageNumberPagination):
    """Pages of 20 with the count and the average over every published review (null when
    there is none: no invented rating)."""

    page_size = 20
    summary: dict = {}

    def paginate_queryset(self, queryset, request, view=None):
        self.summary = reviews_summary(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data["average"] = self.summary["average"]
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["average"] = {
            "type": "number", "nullable": True, "example": 4.5,
            "description": "Mean rating (1–5) of all published reviews; null when none.",
        }  # fmt: skip
        return out


class _ReviewList(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublicReviewSerializer
    pagination_class = ReviewPagination


class ArtistReviewsView(_ReviewList):
    """Published reviews brands wrote about the artist, newest first, with the artist's answer.
    Double-blind: a review is published once both sides wrote theirs or after 14 days."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        artist = Artist.objects.filter(slug=self.kwargs["slug"]).first()
        if artist is None:
            raise NotFoundError(gettext("No such artist."))
        return reviews_of_artist(artist=artist)


class BrandReviewsView(_ReviewList):
    """Published reviews artists wrote about the brand, newest first, with the brand's answer.
    Double-blind: a review is published once both sides wrote theirs or after 14 days."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        brand = Brand.objects.filter(slug=self.kwargs["slug"]).first()
        if brand is None:
            raise NotFoundError(gettext("No such brand."))
        return reviews_of_brand(brand=brand)


class ReplyInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=services.REPLY_MAX)


class ReportInputSerializer(StrictSerializer):
    reason = serializers.CharField(min_length=services.REPORT_MIN, max_length=services.REPORT_MAX)


class ReportSerializer(StrictModelSerializer):
    class Meta:
        model = ReviewReport
        fields = ["id", "review", "reason", "outcome", "created_at"]
        read_only_fields = fields


def _published(pk: int) -> Review:
    review = reviews_published().select_related("contract__artist", "contract__brand")
    review = review.filter(pk=pk).first()
    if review is None:
        raise NotFoundError(gettext("No such review."))
    return review


class ReviewReplyView(APIView):
    """The reviewed side (the artist, or the brand's owners and managers) answers a published
    review, once. The answer is public, under the review."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReplyInputSerializer, responses={200: PublicReviewSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_reply(
            actor=request.user, review=_published(pk), **data.validated_data
        )
        return Response(PublicReviewSerializer(review).data)


class ReviewReportView(APIView):
    """Anyone signed in reports a published review to AUX staff, once, with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportInputSerializer, responses={201: ReportSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.review_report(
            actor=request.user, review=_published(pk), **data.validated_data
        )
        return Response(ReportSerializer(report).data, status=201)
