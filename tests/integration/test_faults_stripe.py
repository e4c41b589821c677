"""Stripe failing: 500s and timeouts injected in the fake Stripe (payments.devstripe's /_config/
hooks on loopback), never a mock of our gateway. A retry reuses the Idempotency-Key, so funding
and payouts each make exactly one charge / transfer and one set of ledger entries."""

import pytest
import stripe  # only to list what the fake Stripe holds, as Stripe's dashboard would
from django.test import Client, override_settings

from campaigns.bookings import services as bookings
from payments import services
from payments import stripe_gateway as gateway
from payments.models import (
    IdempotencyNamespace,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
)
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture, stripe_post  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake_stripe(stripe_api):
    yield stripe_api
    stripe_post(stripe_api, "/_config/faults", {"path": "/v1/", "count": 0})
    stripe_post(stripe_api, "/_config/latency", {"path": "/v1/", "count": 0})


def _intents_of(base: str, contract) -> list[dict]:
    """The fake Stripe's PaymentIntents for `contract`, made under this database's key prefix:
    the fake Stripe lives for the whole run, and a test that flushes the database (ids start
    again) leaves intents that name the same contract id under an older prefix (`aux_db`)."""
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": base})
    intents = (
        p.to_dict()
        for p in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
    )
    prefix = IdempotencyNamespace.objects.get().value
    return [
        pi for pi in intents
        if pi["metadata"].get("aux_contract_id") == str(contract.pk)
        and pi["metadata"].get("aux_db") == prefix
    ]  # fmt: skip


def _funded_once(base: str, contract) -> Payment:
    payment = Payment.objects.get(contract=contract)
    assert payment.status == Payment.Status.SUCCEEDED
    assert [(pi["status"], pi["amount"]) for pi in _intents_of(base, contract)] == [
        ("succeeded", payment.gross)
    ]
    assert LedgerTransaction.objects.filter(contract=contract, kind="funding").count() == 1
    return payment


def test_funding_through_stripe_500s_tells_the_brand_then_the_retry_charges_once(fake_stripe):
    manager, _artist, contract = signed_contract()
    client = Client()
    client.force_login(manager)
    url = f"/payments/contracts/{contract.pk}/fund/"
    stripe_post(fake_stripe, "/_config/faults", {"path": "/v1/payment_intents", "count": 1})
    refused = client.post(url, {"payment_method": "pm_card_visa"}, follow=True)
    assert refused.status_code == 200 and refused.redirect_chain[-1][0] == url
    assert "Injected fault" in refused.content.decode()  # Stripe's message, on the fund page
    assert not Payment.objects.get(contract=contract).stripe_payment_intent_id
    # Stripe fails the confirm as well this time: the PaymentIntent exists, the charge does not.
    stripe_post(fake_stripe, "/_config/faults", {"path": "/v1/payment_intents/", "count": 1})
    assert client.post(url, {"payment_method": "pm_card_visa"}).status_code == 302
    assert Payment.objects.get(contract=contract).status == Payment.Status.REQUIRES_PAYMENT
    paid = client.post(url, {"payment_method": "pm_card_visa"})
    assert paid.status_code == 302 and paid.url == f"/bookings/contracts/{contract.pk}/"
    _funded_once(fake_stripe, contract)


@override_settings(STRIPE_TIMEOUT_SECONDS=0.5)
def test_a_confirm_that_times_out_after_stripe_charged_is_retried_without_a_second_charge(
    fake_stripe,
):
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    # Stripe runs the confirm (the card is charged) but the answer comes too late for us.
    stripe_post(fake_stripe, "/_config/latency",
                {"path": f"/v1/payment_intents/{payment.stripe_payment_intent_id}/confirm",
                 "seconds": 2})  # fmt: skip
    with pytest.raises(gateway.PaymentTransientError):
        services.payment_pay_test(actor=manager, payment=payment, payment_method="pm_card_visa")
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REQUIRES_PAYMENT
    assert _intents_of(fake_stripe, contract)[0]["status"] == "succeeded"  # charged at Stripe
    # The brand (or the webhook) tries again: the same keys replay Stripe's first answer.
    services.payment_pay_test(actor=manager, payment=payment, payment_method="pm_card_visa")
    _funded_once(fake_stripe, contract)


@override_settings(STRIPE_TIMEOUT_SECONDS=0.5)
@pytest.mark.task_failure_expected  # the payout task meets the injected 500s, then is retried
def test_a_payout_through_500s_and_a_timeout_makes_one_transfer_and_one_ledger_entry(
    fake_stripe,
):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    # Stripe answers 500 twice (nothing created), then creates the transfer but answers late.
    stripe_post(fake_stripe, "/_config/faults", {"path": "/v1/transfers", "count": 2})
    stripe_post(fake_stripe, "/_config/latency", {"path": "/v1/transfers", "seconds": 2})
    # The approval stands; the eager task's first attempt met Stripe's 500 and asks for a retry
    # (logged, not raised into the request).
    bookings.milestone_approve(actor=manager, milestone=m)
    assert Payout.objects.get(milestone=m).status == Payout.Status.PENDING
    for _ in range(3):  # what the task's retries (same idempotency key) do
        try:
            services.milestone_pay(milestone_id=m.pk)
        except gateway.PaymentTransientError:
            continue
    payout = Payout.objects.get(milestone=m)
    assert payout.status == Payout.Status.SENT and payout.attempts >= 3
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": fake_stripe})
    account = artist.user.payment_account.stripe_account_id
    transfers = client.v1.transfers.list(params={"destination": account}).data
    assert [t.amount for t in transfers] == [payout.amount]
    assert LedgerEntry.objects.filter(contract=contract, account="artist_paid").count() == 1
    assert services.reconcile() == []
