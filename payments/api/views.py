from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aux.errors import NotFoundError
from campaigns.bookings.models import Contract

from .. import selectors, services
from ..models import LedgerEntry, PaymentAccount, Payout
from .serializers import (
    ContractSplitSerializer,
    ContractSplitsInputSerializer,
    ContractSplitsSerializer,
    FundingSerializer,
    LedgerLineSerializer,
    OnboardInputSerializer,
    OnboardSerializer,
    PayoutSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="Not allowed for this user"),
    404: OpenApiResponse(description="No such contract (or not visible to this user)"),
    409: OpenApiResponse(description="Not fundable now (status, funded, payouts not set up)"),
}


def _test_mode() -> bool:
    return settings.STRIPE_SECRET_KEY.startswith("sk_test")


class ContractFundView(APIView):
    """Open the contract's PaymentIntent for its total plus the platform fee."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: FundingSerializer, **ERRORS})
    def post(self, request, pk: int):
        contract = Contract.objects.filter(pk=pk).first()
        if contract is None:
            raise NotFoundError(gettext("No such contract."))
        payment = services.payment_start(actor=request.user, contract=contract)
        data = {
            "payment_id": payment.pk, "status": payment.status,
            "payment_intent": payment.stripe_payment_intent_id,
            "client_secret": payment.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js": settings.STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/"
            if _test_mode() else "https://js.stripe.com/v3/",
            "amount": payment.amount, "fee": payment.fee, "fee_bps": payment.fee_bps,
            "gross": payment.gross, "currency": payment.currency, "test_mode": _test_mode(),
        }  # fmt: skip
        return Response(FundingSerializer(data).data)


class PayoutListView(generics.ListAPIView):
    """Payouts the caller received (artist, payee) or made (their brands' contracts)."""

    serializer_class = PayoutSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Payout.objects.none()
        return selectors.payouts_visible_to(user=self.request.user).order_by("-created_at", "-id")


class LedgerListView(generics.ListAPIView):
    """The caller's own ledger lines."""

    serializer_class = LedgerLineSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return LedgerEntry.objects.none()
        return selectors.ledger_lines_for(user=self.request.user)


class PayoutsOnboardView(APIView):
    """Create the caller's Stripe Express account (once) and return an onboarding link."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OnboardInputSerializer, responses={200: OnboardSerializer, **ERRORS})
    def post(self, request):
        data = OnboardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        back = request.build_absolute_uri(reverse("payments:onboard_return"))
        url = services.payouts_onboard(
            actor=request.user,
            return_url=data.validated_data.get("return_url") or back,
            refresh_url=data.validated_data.get("refresh_url") or back,
        )
        account = get_object_or_404(PaymentAccount, user=request.user)
        return Response(OnboardSerializer({
            "url": url, "stripe_account_id": account.stripe_account_id,
            "payouts_enabled": account.can_receive, "requirements_due": account.requirements_due,
        }).data)  # fmt: skip


def _splits_payload(*, user, contract: Contract) -> dict:
    data = selectors.contract_splits_for(user=user, contract=contract)
    if data is None:
        raise NotFoundError(gettext("No such contract."))
    bps = data["artist_share_bps"]
    return {
        "contract": contract.pk, "has_splits": data["has_splits"], "editable": data["editable"],
        "frozen": data["frozen"], "artist_share": None if bps is None else f"{bps / 100:.2f}",
        "splits": data["splits"],
    }  # fmt: skip


SPLIT_ERRORS = {
    400: OpenApiResponse(description="Invalid proposal: {detail, errors: {field: [messages]}}"),
    403: OpenApiResponse(description="Only the artist proposes; confirm your e-mail first"),
    404: OpenApiResponse(description="No such contract or split (or not visible to this user)"),
    409: OpenApiResponse(description="Signed already, withdrawn, or payouts not set up"),
}


class ContractSplitsView(APIView):
    """A contract's payout splits: read them (as your role allows) or, as its artist, propose."""

    permission_classes = [IsAuthenticated]

    def _contract(self, pk: int) -> Contract:
        contract = Contract.objects.select_related("artist__user").filter(pk=pk).first()
        if contract is None:
            raise NotFoundError(gettext("No such contract."))
        return contract

    @extend_schema(responses={200: ContractSplitsSerializer, **SPLIT_ERRORS})
    def get(self, request, pk: int):
        contract = self._contract(pk)
        return Response(
            ContractSplitsSerializer(_splits_payload(user=request.user, contract=contract)).data
        )

    @extend_schema(
        request=ContractSplitsInputSerializer,
        responses={200: ContractSplitsSerializer, **SPLIT_ERRORS},
    )
    def post(self, request, pk: int):
        contract = self._contract(pk)
        _splits_payload(user=request.user, contract=contract)  # 404 for outsiders
        data = ContractSplitsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.contract_splits_propose(
            actor=request.user, contract=contract,
            artist_share=data.validated_data["artist_share"],
            co_owners=[dict(c) for c in data.validated_data["co_owners"]],
        )  # fmt: skip
        return Response(
            ContractSplitsSerializer(_splits_payload(user=request.user, contract=contract)).data
        )


class SplitAcceptView(APIView):
    """The invited co-owner accepts their share (signed in with the invited, confirmed address
    and able to receive payouts). Idempotent."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ContractSplitSerializer, **SPLIT_ERRORS})
    def post(self, request, pk: int):
        split = services.contract_split_accept(actor=request.user, split_id=pk)
        return Response(ContractSplitSerializer(split).data)
