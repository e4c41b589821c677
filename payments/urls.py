from django.urls import path

from . import split_views, views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("contracts/<int:pk>/fund/", views.fund, name="fund"),
    path("contracts/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("contracts/<int:pk>/splits/", split_views.contract_splits, name="contract_splits"),
    path(
        "splits/invitation/<str:token>/",
        split_views.split_invitation_link,
        name="split_invitation_link",
    ),
    path("splits/invitation/", split_views.split_invitation, name="split_invitation"),
    path("splits/onboard/", split_views.split_onboard, name="split_onboard"),
    path("splits/onboard/return/", split_views.split_onboard_return, name="split_onboard_return"),
    path("payouts/onboard/", views.onboard, name="onboard"),
    path("payouts/onboard/return/", views.onboard_return, name="onboard_return"),
    path("earnings/", views.earnings, name="earnings"),
    path("payouts/status/", views.payout_status, name="payout_status"),
    path("earnings/ledger.csv", views.earnings_ledger_csv, name="earnings_ledger_csv"),
    path(
        "earnings/statement/<int:year>.pdf",
        views.earnings_statement_pdf,
        name="earnings_statement_pdf",
    ),
]
