"""`/api/v1/notifications/`: the signed-in user's own notifications and preferences only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..filters import NotificationFilter
from ..models import Notification
from ..selectors import notifications_for, preferences_for
from .serializers import (
    NotificationSerializer,
    PreferencesPatchSerializer,
    PreferencesSerializer,
    ReadAllSerializer,
)

E400 = OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}")
E401 = OpenApiResponse(description="Not signed in: {detail, errors: {}}")
E403 = OpenApiResponse(description="Not allowed: {detail, errors: {}}")
E404 = OpenApiResponse(description="No such notification (or not yours): {detail, errors: {}}")


class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, newest first (`?unread=true` for unread only)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notification.objects.none()
        return notifications_for(user=self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: unread only")],
        responses={200: NotificationSerializer(many=True), 400: E400, 401: E401, 403: E403},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    """Mark one of your notifications read (idempotent)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 401: E401, 403: E403, 404: E404},
    )
    def post(self, request, pk: int) -> Response:
        n = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(n).data)


class NotificationReadAllView(APIView):
    """Mark every one of your unread notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ReadAllSerializer, 401: E401, 403: E403})
    def post(self, request) -> Response:
        marked = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked})


class NotificationPreferencesView(APIView):
    """Your channel per kind: in_app, email_immediate, daily_digest or off.

    Locked kinds (contract to sign, payouts) refuse `off` with a 400.
    """

    permission_classes = [IsAuthenticated]
    # A list of objects has no form encoding (DRF would read a form's part as no list at all).
    parser_classes = [JSONParser]

    @extend_schema(responses={200: PreferencesSerializer, 401: E401, 403: E403})
    def get(self, request) -> Response:
        return Response({"preferences": preferences_for(user=request.user)})

    @extend_schema(
        request=PreferencesPatchSerializer,
        responses={200: PreferencesSerializer, 400: E400, 401: E401, 403: E403},
    )
    def patch(self, request) -> Response:
        serializer = PreferencesPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data.get("preferences", [])
        if rows:
            changes = {row["kind"]: row["channel"] for row in rows}
            services.preferences_update(user=request.user, changes=changes)
        return Response({"preferences": preferences_for(user=request.user)})
