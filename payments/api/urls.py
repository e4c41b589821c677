from django.urls import path

from .views import ContractFundView, LedgerListView, PayoutListView, PayoutsOnboardView

urlpatterns = [
    path("contracts/<int:pk>/fund/", ContractFundView.as_view(), name="api-contract-fund"),
    path("payouts/", PayoutListView.as_view(), name="api-payouts"),
    path("ledger/", LedgerListView.as_view(), name="api-ledger"),
    path("artists/me/payouts/onboard/", PayoutsOnboardView.as_view(), name="api-payouts-onboard"),
]
