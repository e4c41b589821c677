"""`/api/v1/offers/`, `contracts/`, `milestones/`: reads via selectors, steps via services.

Objects the user is not a party to do not exist for them (404); a party acting out of turn or
in the wrong state gets 409 with the current state in the message; a side that may never take
that step (an artist withdrawing, a brand viewer approving) gets 403.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aux.api.throttles import BookingWriteThrottle
from aux.errors import NotFoundError

from .. import services
from ..models import Contract, Milestone, Offer, Settlement
from ..selectors import (
    contracts_visible_to,
    milestones_visible_to,
    offer_messages,
    offers_visible_to,
)
from .serializers import (
    ContractDetailSerializer,
    ContractSerializer,
    DeclineSerializer,
    DisputeRespondInputSerializer,
    MessageInputSerializer,
    MessageSerializer,
    MilestoneSerializer,
    OfferCreateSerializer,
    OfferDetailSerializer,
    OfferSerializer,
    OfferTermsInputSerializer,
    ReasonInputSerializer,
    RenewInputSerializer,
    ReviewSerializer,
    SettlementAnswerInputSerializer,
    SettlementProposeInputSerializer,
    SignInputSerializer,
    SubmitInputSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="This side may not take this step"),
    404: OpenApiResponse(description="No such object (or you are not a party to it)"),
    409: OpenApiResponse(description="Not allowed in the current state (the message says which)"),
}


def _client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _lines(data: dict) -> list[dict] | None:
    return None if "lines" not in data else [dict(line) for line in data["lines"]]


@extend_schema_view(
    list=extend_schema(responses={200: OfferSerializer(many=True)}),
    retrieve=extend_schema(responses={200: OfferDetailSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        request=OfferCreateSerializer, responses={201: OfferDetailSerializer, **ERRORS}
    ),
)
class OfferViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Offers: the brand's sent offers, or the offers addressed to the artist."""

    throttle_classes = [BookingWriteThrottle]  # offers and messages per user (aux/api/throttles)

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    permission_classes = [IsAuthenticated]
    serializer_class = OfferSerializer

    def get_queryset(self):
        qs = offers_visible_to(user=self.request.user).order_by("-updated_at", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("revisions__lines__deliverable_type",
                                     "revisions__exclusivity_category")  # fmt: skip
        status_filter = self.request.query_params.get("status")
        if self.action == "list" and status_filter in Offer.Status.values:
            qs = qs.filter(status=status_filter)
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return OfferDetailSerializer
        if self.action == "create":
            return OfferCreateSerializer
        return OfferSerializer

    def get_object(self) -> Offer:
        offer = offers_visible_to(user=self.request.user).filter(pk=self.kwargs["pk"]).first()
        if offer is None:
            raise NotFoundError(gettext("No such offer."))
        return offer

    def _out(self, offer: Offer, code: int = status.HTTP_200_OK) -> Response:
        offer = offers_visible_to(user=self.request.user).get(pk=offer.pk)
        serializer = OfferDetailSerializer(offer, context={"request": self.request})
        return Response(serializer.data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        """Send an offer. When its work dates would break an exclusivity the artist signed with
        another brand of your category, it is refused with 409 (each conflict in words under
        `errors.confirm_exclusivity_conflict`) unless `confirm_exclusivity_conflict` is true;
        the 201 body lists the conflicts sent anyway in `exclusivity_conflicts`."""
        serializer = OfferCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        offer = services.offer_create(
            actor=request.user, brief=data.pop("brief"), artist=data.pop("artist"),
            lines=_lines(data), **{k: v for k, v in data.items() if k != "lines"},
        )  # fmt: skip
        return self._out(offer, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OfferDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        """Accept the current revision (the side whose turn it is); creates the contract."""
        return self._out(services.offer_accept(actor=request.user, offer=self.get_object()))

    @extend_schema(request=DeclineSerializer, responses={200: OfferDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        """The artist declines, with an optional reason."""
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = services.offer_decline(
            actor=request.user, offer=self.get_object(), **serializer.validated_data
        )
        return self._out(offer)

    @extend_schema(
        request=OfferTermsInputSerializer, responses={200: OfferDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def counter(self, request: Request, pk=None) -> Response:
        """Propose changed fees, dates or terms (omitted fields keep their current value)."""
        serializer = OfferTermsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = _lines(data)
        data.pop("lines", None)
        offer = services.offer_counter(
            actor=request.user, offer=self.get_object(), lines=lines, **data
        )
        return self._out(offer)

    @extend_schema(request=RenewInputSerializer, responses={200: OfferDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk=None) -> Response:
        """The brand reopens its expired offer with a new expiry (`expires_in_days`, default
        AUX_OFFER_TTL_DAYS): the same offer, sent again and waiting for the artist; if the
        artist's counter-offer was what expired, the brand now offers those terms (a new
        revision). 409 unless the offer is expired; the exclusivity check applies as for a new
        offer."""
        serializer = RenewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = services.offer_renew(
            actor=request.user, offer=self.get_object(), **serializer.validated_data
        )
        return self._out(offer)

    @extend_schema(request=None, responses={200: OfferDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        """The brand withdraws its offer."""
        return self._out(services.offer_withdraw(actor=request.user, offer=self.get_object()))

    @extend_schema(methods=["GET"], request=None,
                   responses={200: MessageSerializer(many=True), 404: ERRORS[404]})  # fmt: skip
    @extend_schema(methods=["POST"], request={"application/json": MessageInputSerializer,
                                              "multipart/form-data": MessageInputSerializer},
                   responses={201: MessageSerializer, **ERRORS})  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk=None) -> Response:
        """The thread of the offer and of its contract (contact details masked until signed).

        POST text as JSON, or multipart/form-data with `body` and up to 5 `attachments` parts
        (images or PDFs, checked by content); a message needs text or a file. Files come back
        with a party-only download `url`.
        """
        offer = self.get_object()
        context = {"contacts_visible": services.contact_details_visible(offer)}
        if request.method == "POST":
            serializer = MessageInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = services.message_post(
                actor=request.user, offer=offer, body=serializer.validated_data["body"],
                attachments=serializer.validated_data["attachments"],
            )  # fmt: skip
            return Response(MessageSerializer(message, context=context).data, status=201)
        page = self.paginate_queryset(offer_messages(offer=offer))
        return self.get_paginated_response(MessageSerializer(page, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(responses={200: ContractSerializer(many=True)}),
    retrieve=extend_schema(responses={200: ContractDetailSerializer, 404: ERRORS[404]}),
)
class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contracts of the user's brands or of the artist: frozen terms, signatures, milestones."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    permission_classes = [IsAuthenticated]
    serializer_class = ContractSerializer

    def get_queryset(self):
        return (
            contracts_visible_to(user=self.request.user)
            .prefetch_related(
                "signatures",
                "milestones__deliverable_type",
                "milestones__attachments",
                "milestones__disputes",
                "settlements",
            )
            .order_by("-created_at", "-id")
        )

    def get_serializer_class(self):
        return ContractDetailSerializer if self.action == "retrieve" else ContractSerializer

    def get_object(self) -> Contract:
        contract = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if contract is None:
            raise NotFoundError(gettext("No such contract."))
        return contract

    def _out(self, contract: Contract) -> Response:
        return Response(ContractDetailSerializer(self.get_queryset().get(pk=contract.pk)).data)

    @extend_schema(request=SignInputSerializer, responses={200: ContractDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk=None) -> Response:
        """Sign for your side by typing your full name and confirming."""
        serializer = SignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract = services.contract_sign(
            actor=request.user, contract=self.get_object(), ip=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""), **serializer.validated_data,
        )  # fmt: skip
        return self._out(contract)

    @extend_schema(request=DeclineSerializer, responses={200: ContractDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Ask to cancel (both sides must, the request expires after
        AUX_CANCEL_REQUEST_TTL_HOURS and lapses when the contract changes), or cancel at once as
        staff; only while no deliverable is handed in (then: settle/ or a dispute)."""
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract = services.contract_cancel(
            actor=request.user, contract=self.get_object(), **serializer.validated_data
        )
        return self._out(contract)

    @extend_schema(
        request=SettlementProposeInputSerializer,
        responses={200: ContractDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def settle(self, request: Request, pk=None) -> Response:
        """Propose to end a funded, active contract: `artist_amount` (minor units) is paid to
        the artist for the work done, the rest of the escrow is refunded to the brand once the
        other side accepts. Replaces an open proposal; expires after
        AUX_CANCEL_REQUEST_TTL_HOURS and lapses when a deliverable changes."""
        serializer = SettlementProposeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract = self.get_object()
        services.settlement_propose(actor=request.user, contract=contract,
                                    **serializer.validated_data)  # fmt: skip
        return self._out(contract)

    def _settlement(self, contract: Contract, request: Request) -> Settlement:
        serializer = SettlementAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settlement = contract.settlements.filter(pk=serializer.validated_data["settlement"]).first()
        if settlement is None:
            raise NotFoundError(gettext("No such settlement proposal."))
        return settlement

    @extend_schema(
        request=SettlementAnswerInputSerializer, responses={200: ContractDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="settle/accept", url_name="settle-accept")
    def settle_accept(self, request: Request, pk=None) -> Response:
        """The other side accepts the open proposal (by its id): the artist is paid its amount,
        the rest is refunded, the contract is cancelled. Once only: a second accept is a 409."""
        contract = self.get_object()
        settlement = self._settlement(contract, request)
        services.settlement_accept(actor=request.user, settlement=settlement)
        return self._out(contract)

    @extend_schema(
        request=SettlementAnswerInputSerializer, responses={200: ContractDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="settle/decline", url_name="settle-decline")
    def settle_decline(self, request: Request, pk=None) -> Response:
        """The other side declines the open proposal (by its id); the contract goes on."""
        contract = self.get_object()
        settlement = self._settlement(contract, request)
        services.settlement_decline(actor=request.user, settlement=settlement)
        return self._out(contract)

    @extend_schema(methods=["GET"], request=None,
                   responses={200: ReviewSerializer(many=True), 404: ERRORS[404]})  # fmt: skip
    @extend_schema(methods=["POST"], request=ReviewSerializer,
                   responses={201: ReviewSerializer, **ERRORS})  # fmt: skip
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a list, not pages
    def reviews(self, request: Request, pk=None) -> Response:
        """After completion each side rates the other once (1–5 with text)."""
        contract = self.get_object()
        if request.method == "POST":
            serializer = ReviewSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            review = services.review_create(
                actor=request.user, contract=contract, **serializer.validated_data
            )
            return Response(ReviewSerializer(review).data, status=201)
        return Response(ReviewSerializer(contract.reviews.all(), many=True).data)


@extend_schema_view(retrieve=extend_schema(responses={200: MilestoneSerializer, 404: ERRORS[404]}))
class MilestoneViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A contract's deliverables: submit (artist), approve / request changes (brand), dispute."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    permission_classes = [IsAuthenticated]
    serializer_class = MilestoneSerializer
    queryset = Milestone.objects.none()

    def get_object(self) -> Milestone:
        milestone = milestones_visible_to(user=self.request.user).filter(pk=self.kwargs["pk"])
        milestone = milestone.first()
        if milestone is None:
            raise NotFoundError(gettext("No such milestone."))
        return milestone

    def _out(self, milestone: Milestone) -> Response:
        milestone.refresh_from_db()
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(request={"application/json": SubmitInputSerializer,
                            "multipart/form-data": SubmitInputSerializer},
                   responses={200: MilestoneSerializer, **ERRORS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """Hand in the deliverable: a note, links and/or files (multipart `attachments`, up to
        5 images or PDFs, checked by content)."""
        serializer = SubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_submit(
            actor=request.user, milestone=self.get_object(), **serializer.validated_data
        )
        return self._out(milestone)

    @extend_schema(request=None, responses={200: MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        milestone = services.milestone_approve(actor=request.user, milestone=self.get_object())
        return self._out(milestone)

    @extend_schema(request=ReasonInputSerializer, responses={200: MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk=None) -> Response:
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_request_changes(
            actor=request.user, milestone=self.get_object(), **serializer.validated_data
        )
        return self._out(milestone)

    @extend_schema(request=ReasonInputSerializer, responses={200: MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk=None) -> Response:
        """Either side disputes a submitted deliverable (`reason`: your statement); AUX staff
        decide. The milestone's `dispute` then shows it to both sides."""
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = services.dispute_open(
            actor=request.user, milestone=self.get_object(), **serializer.validated_data
        )
        return self._out(dispute.milestone)

    @extend_schema(
        request=DisputeRespondInputSerializer, responses={200: MilestoneSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="dispute/respond", url_name="dispute-respond")
    def dispute_respond(self, request: Request, pk=None) -> Response:
        """The side that did not open the open dispute adds its `statement`, once (a second
        one, or one after the decision, is a 409; the opener gets 403)."""
        serializer = DisputeRespondInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.dispute_respond(
            actor=request.user, milestone=self.get_object(), **serializer.validated_data
        ).milestone
        return self._out(milestone)
