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
