from django.urls import path

from .views import (
    ContractFundView,
    ContractSplitsView,
    LedgerListView,
    PayoutListView,
    PayoutsOnboardView,
    SplitAcceptView,
)

urlpatterns = [
    path("contracts/<int:pk>/fund/", ContractFundView.as_view(), name="api-contract-fund"),
    path("contracts/<int:pk>/splits/", ContractSplitsView.as_view(), name="api-contract-splits"),
    path("splits/<int:pk>/accept/", SplitAcceptView.as_view(), name="api-split-accept"),
    path("payouts/", PayoutListView.as_view(), name="api-payouts"),
    path("ledger/", LedgerListView.as_view(), name="api-ledger"),
    path("artists/me/payouts/onboard/", PayoutsOnboardView.as_view(), name="api-payouts-onboard"),
]
