"""`/api/v1/briefs/{id}/report/`, `milestones/{id}/results/`, `results/{id}/question|answer/`,
`artists/me/earnings/`. Thin: numbers from campaigns.reporting.selectors, writes from
campaigns.reporting.services. A report or result one may not read is a 404."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.api.parsers import MultiPartParser
from aux.errors import NotFoundError
from campaigns.bookings.models import Milestone
from campaigns.bookings.selectors import milestones_visible_to

from .. import selectors as reporting
from .. import services as reporting_services
from ..models import MilestoneResult
from .serializers import (
    AnswerInputSerializer,
    BriefReportSerializer,
    EarningsSerializer,
    QuestionInputSerializer,
    ResultInputSerializer,
    ResultSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="This side may not take this step"),
    404: OpenApiResponse(description="No such object (or you may not see it)"),
    409: OpenApiResponse(description="Not allowed in the current state"),
}


class BriefReportView(APIView):
    """The campaign report of one brief: the same numbers as the page and the CSV."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: BriefReportSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        brief = reporting.report_briefs_for(user=request.user).filter(pk=pk).first()
        if brief is None:
            raise NotFoundError(gettext("No such brief."))
        return Response(reporting.brief_report_json(reporting.brief_report(brief=brief)))


def _milestone(request: Request, pk: int) -> Milestone:
    milestone = milestones_visible_to(user=request.user).filter(pk=pk).first()
    if milestone is None:
        raise NotFoundError(gettext("No such milestone."))
    return milestone


def _result(request: Request, pk: int) -> MilestoneResult:
    visible = milestones_visible_to(user=request.user).values("pk")
    result = (
        MilestoneResult.objects.select_related(
            "milestone__contract__brand", "milestone__contract__artist"
        )
        .filter(pk=pk, milestone__in=visible)
        .first()
    )
    if result is None:
        raise NotFoundError(gettext("No such result."))
    return result


class MilestoneResultsView(APIView):
    """GET: the figures reported on a deliverable (both parties). POST: the artist reports or
    corrects one figure, with `evidence_url` or a `screenshot` (multipart)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses={200: ResultSerializer(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        milestone = _milestone(request, pk)
        results = reporting.milestone_results(milestone=milestone)
        return Response(ResultSerializer(results, many=True).data)

    @extend_schema(request=ResultInputSerializer, responses={201: ResultSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        milestone = _milestone(request, pk)
        reporting_services.check_can_report(actor=request.user, milestone=milestone)
        serializer = ResultInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = reporting_services.result_report(
            actor=request.user, milestone=milestone, **serializer.validated_data
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)


class ResultQuestionView(APIView):
    """A brand owner or manager questions a reported figure with a short note."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuestionInputSerializer, responses={200: ResultSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        result = _result(request, pk)
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = reporting_services.result_question(
            actor=request.user, result=result, **serializer.validated_data
        )
        return Response(ResultSerializer(result).data)


class ResultAnswerView(APIView):
    """The artist answers a questioned figure, with a note and/or a corrected `value`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerInputSerializer, responses={200: ResultSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        result = _result(request, pk)
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = reporting_services.result_answer(
            actor=request.user, result=result, answer=data.get("answer", ""),
            value=data.get("value"),
        )  # fmt: skip
        return Response(ResultSerializer(result).data)


class ArtistEarningsView(APIView):
    """The caller's earnings as a payee: paid, payout pending, in escrow, expected; by month and
    by brand, per currency. Fees are 0: the platform fee is charged to the brand."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EarningsSerializer})
    def get(self, request: Request) -> Response:
        return Response(reporting.artist_earnings_report(user=request.user))
