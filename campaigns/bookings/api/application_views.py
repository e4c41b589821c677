"""`/api/v1/applications/`: open-call applications.

- `GET /applications/` (`?brief=<id>`, `?status=`): an artist's own applications, or those to
  the user's brands' briefs; `POST /applications/` (artist): apply to an open-call brief.
- `GET /applications/{id}/`; `POST /applications/{id}/accept/` (brand owner/manager): turn it
  into an offer prefilled with the proposed fee, answers the offer (201);
  `POST /applications/{id}/decline/` with an optional reason.
An application the user may not see is 404; a step in the wrong state is 409.
"""

import re

from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aux.errors import NotFoundError
from campaigns.briefs.permissions import check_can_view_brief

from .. import services
from ..models import Application
from ..selectors import applications_visible_to, offers_visible_to
from .application_serializers import (
    ApplicationAcceptSerializer,
    ApplicationCreateSerializer,
    ApplicationDeclineSerializer,
    ApplicationSerializer,
)
from .serializers import OfferDetailSerializer

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="Not allowed for this user (or the artist fails a filter)"),
    404: OpenApiResponse(description="No such application or brief (or not visible to you)"),
    409: OpenApiResponse(description="Not allowed in the current state (the message says which)"),
}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("brief", int, description="Only applications to this brief."),
            OpenApiParameter("status", str, enum=Application.Status.values),
        ],
        responses={200: ApplicationSerializer(many=True)},
    ),
    retrieve=extend_schema(responses={200: ApplicationSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        request=ApplicationCreateSerializer, responses={201: ApplicationSerializer, **ERRORS}
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Applications to open calls: the artist applies, the brand converts or declines."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        qs = applications_visible_to(user=self.request.user)
        if self.action == "list":
            # A blank value is no filter; anything else the schema does not allow is a 400.
            brief = self.request.query_params.get("brief", "")
            state = self.request.query_params.get("status", "")
            errors = {}
            # Ids are 64-bit: a larger number is no id at all (and SQLite, the demo's database,
            # cannot even bind it: a 500 before this check).
            if brief and not (re.fullmatch(r"-?[0-9]{1,19}", brief) and abs(int(brief)) < 2**63):
                errors["brief"] = [gettext("A valid integer is required.")]
            if state and state not in Application.Status.values:
                errors["status"] = [
                    gettext('"%(value)s" is not a valid choice.') % {"value": state}
                ]
            if errors:
                raise serializers.ValidationError(errors)
            if brief:
                qs = qs.filter(brief_id=int(brief)) if int(brief) > 0 else qs.none()
            if state:
                qs = qs.filter(status=state)
        return qs

    def get_object(self) -> Application:
        application = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if application is None:
            raise NotFoundError(gettext("No such application."))
        return application

    def _out(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        application = applications_visible_to(user=self.request.user).get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        brief = data.pop("brief")
        check_can_view_brief(request.user, brief)
        application = services.application_create(actor=request.user, brief=brief, **data)
        return self._out(application, status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicationAcceptSerializer, responses={201: OfferDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        """Turn the application into an offer prefilled with the proposed fee (brand)."""
        serializer = ApplicationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = services.application_convert(
            actor=request.user, application=self.get_object(), **serializer.validated_data
        )
        offer = offers_visible_to(user=request.user).get(pk=offer.pk)
        return Response(OfferDetailSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicationDeclineSerializer, responses={200: ApplicationSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        """Decline the application, optionally saying why (brand)."""
        serializer = ApplicationDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_decline(
            actor=request.user, application=self.get_object(), **serializer.validated_data
        )
        return self._out(application)
