from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("contracts/<int:pk>/fund/", views.fund, name="fund"),
    path("contracts/<int:pk>/receipt/", views.receipt, name="receipt"),
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
