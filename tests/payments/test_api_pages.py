"""API and pages of payments: fund, payouts, ledger, onboarding, receipt; the error shape."""

import pytest
from rest_framework.test import APIClient

from payments.models import Payment
from tests.users.factories import UserFactory

from .factories import fund, signed_contract

pytestmark = pytest.mark.django_db(transaction=True)


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_fund_api_returns_the_client_secret_and_the_amounts(stripe_api):
    manager, _artist, contract = signed_contract()
    response = _api(manager).post(f"/api/v1/contracts/{contract.pk}/fund/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["client_secret"].startswith(body["payment_intent"]) and body["test_mode"]
    assert body["gross"] == contract.total + body["fee"] and body["amount"] == contract.total
    assert body["stripe_js"].endswith("/js.stripe.com/v3/")


def test_fund_api_errors_use_the_shared_shape(stripe_api):
    manager, artist, contract = signed_contract(onboarded=False)
    conflict = _api(manager).post(f"/api/v1/contracts/{contract.pk}/fund/")
    assert conflict.status_code == 409 and "payouts" in conflict.json()["detail"]
    assert conflict.json()["errors"] == {}
    assert _api(artist.user).post(f"/api/v1/contracts/{contract.pk}/fund/").status_code == 404
    assert _api(manager).post("/api/v1/contracts/999999/fund/").status_code == 404
    assert APIClient().post(f"/api/v1/contracts/{contract.pk}/fund/").status_code in (401, 403)


def test_onboard_api_is_not_read_as_an_artist_slug(stripe_api):
    user = UserFactory()
    response = _api(user).post("/api/v1/artists/me/payouts/onboard/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert "/_config/connect/onboarding/acct_" in response.json()["url"]
    assert response.json()["payouts_enabled"] is False


def test_payouts_and_ledger_show_only_the_callers_own_lines(
    stripe_api, django_capture_on_commit_callbacks
):
    from campaigns.bookings import services as bookings

    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=m, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        bookings.milestone_approve(actor=manager, milestone=m)
    payouts = _api(artist.user).get("/api/v1/payouts/").json()
    assert payouts["count"] == 1 and payouts["results"][0]["amount"] == m.amount
    ledger = _api(artist.user).get("/api/v1/ledger/").json()["results"]
    assert [(line["account"], line["amount"]) for line in ledger] == [("artist_paid", m.amount)]
    stranger = UserFactory()
    assert _api(stranger).get("/api/v1/payouts/").json()["count"] == 0
    assert _api(stranger).get("/api/v1/ledger/").json()["count"] == 0


def test_the_brand_funds_on_the_page_with_a_test_card_and_gets_a_receipt(client, stripe_api):
    manager, artist, contract = signed_contract()
    client.force_login(manager)
    page = client.get(f"/payments/contracts/{contract.pk}/fund/")
    html = page.content.decode()
    assert page.status_code == 200 and "TEST MODE" in html
    assert "Platform fee (10%, paid by the brand)" in html and "basis points" not in html
    assert "<script>" not in html and 'style="' not in html
    response = client.post(f"/payments/contracts/{contract.pk}/fund/",
                           {"payment_method": "pm_card_visa"})  # fmt: skip
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.funded
    receipt = client.get(f"/payments/contracts/{contract.pk}/receipt/")
    assert receipt.status_code == 200 and b"TEST MODE" in receipt.content
    download = client.get(f"/payments/contracts/{contract.pk}/receipt/?download=1")
    assert "attachment" in download["Content-Disposition"]
    assert Payment.objects.get(contract=contract).stripe_payment_intent_id.encode() in (
        download.content
    )
    client.force_login(artist.user)
    assert client.get(f"/payments/contracts/{contract.pk}/receipt/").status_code == 404
    assert b"Funded" in client.get(f"/bookings/contracts/{contract.pk}/").content


def test_the_artist_sets_up_payouts_from_the_dashboard_block(client, stripe_api):
    from tests.campaigns.factories import booking_artist

    artist = booking_artist()
    client.force_login(artist.user)
    block = client.get("/payments/payouts/status/")
    assert b"Set up payouts" in block.content
    response = client.post("/payments/payouts/onboard/")
    assert response.status_code == 302 and "/_config/connect/onboarding/" in response.url
    from .stripe_server import onboarding_complete

    onboarding_complete(response.url)
    client.get("/payments/payouts/onboard/return/")
    assert b"Ready" in client.get("/payments/payouts/status/").content
    assert client.get("/payments/earnings/").status_code == 200
