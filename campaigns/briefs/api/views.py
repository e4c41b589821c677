from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aux.errors import NotFoundError, PermissionDeniedError

from .. import services
from ..filters import BriefFilter
from ..models import Brief
from ..permissions import can_see_matches
from ..selectors import brief_matches, briefs_visible_to
from .serializers import BriefSerializer, MatchSerializer

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="Not allowed for this user"),
    404: OpenApiResponse(description="No such brief (or not visible to this user)"),
    409: OpenApiResponse(description="Not allowed in the brief's current status"),
}


def _write_kwargs(data: dict) -> dict:
    data = dict(data)
    data.pop("brand", None)
    return data


@extend_schema_view(
    list=extend_schema(responses={200: BriefSerializer(many=True)}),
    create=extend_schema(responses={201: BriefSerializer, **ERRORS}),
    retrieve=extend_schema(responses={200: BriefSerializer, 404: ERRORS[404]}),
    partial_update=extend_schema(responses={200: BriefSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class BriefViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Campaign briefs: brands write theirs; everyone signed in reads published public ones."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = BriefSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = BriefFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return briefs_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> Brief:
        brief = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if brief is None:
            raise NotFoundError(gettext("No such brief."))
        return brief

    def perform_create(self, serializer: BriefSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.brief_create(
            actor=self.request.user, brand=data["brand"], **_write_kwargs(data)
        )

    def perform_update(self, serializer: BriefSerializer) -> None:
        serializer.instance = services.brief_update(
            actor=self.request.user,
            brief=serializer.instance,
            **_write_kwargs(serializer.validated_data),
        )

    def perform_destroy(self, instance: Brief) -> None:
        services.brief_delete(actor=self.request.user, brief=instance)

    @extend_schema(request=None, responses={200: BriefSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None) -> Response:
        """Publish (or submit for approval, when staff approval is required)."""
        brief = services.brief_publish(actor=request.user, brief=self.get_object())
        return Response(BriefSerializer(brief).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: BriefSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None) -> Response:
        brief = services.brief_close(actor=request.user, brief=self.get_object())
        return Response(BriefSerializer(brief).data)

    @extend_schema(responses={200: MatchSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    @action(detail=True, methods=["get"], filterset_class=None)
    def matches(self, request, pk=None) -> Response:
        """The ranked artists with their 0–100 score and its parts (unknown parts: `known`
        false, value null), plus how many artists each filter removed and the fairness report."""
        # Neither the brief's genres/moods/deliverables nor the artists' genres are part of this
        # response: skip those prefetches (4 + 1 queries, about half of the endpoint's time).
        brief = self.get_queryset().prefetch_related(None).filter(pk=pk).first()
        if brief is None:
            raise NotFoundError(gettext("No such brief."))
        if not can_see_matches(request.user, brief):
            raise PermissionDeniedError(gettext("Only the brand's members see a brief's matches."))
        page = self.paginate_queryset(brief_matches(brief=brief).prefetch_related(None))
        response = self.get_paginated_response(MatchSerializer(page, many=True).data)
        response.data["computed_at"] = brief.matches_computed_at
        response.data["stats"] = brief.match_stats
        return response
