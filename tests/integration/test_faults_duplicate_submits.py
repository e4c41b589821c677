"""Duplicate form submits (a double click, a reload that re-posts): one offer, one payment, and
the second submit is a message on the page, never an error page."""

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from campaigns.bookings.models import Offer
from payments.models import LedgerTransaction, Payment
from tests.campaigns.factories import booking_artist, booking_brief
from tests.payments.factories import signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_at_once(user, url: str, data: dict) -> list[int]:
    """The same form posted by two sessions of `user` at the same moment: their statuses."""
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def submit(client):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit, args=(_client(user),)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def _offer_form(brief, artist) -> dict:
    return {
        "artist": artist.slug, "fee_0": "1500", "fee_1": "900", "start_date": brief.start_date,
        "end_date": brief.end_date, "usage_channels": ["social"], "usage_territories": "DE, FR",
        "usage_term_months": 12, "message": "Hello",
    }  # fmt: skip


def test_the_offer_form_posted_twice_makes_one_offer_and_the_second_gets_a_message(
    brand, brand_manager
):
    brief, artist = booking_brief(brand, social=True), booking_artist()
    client = _client(brand_manager)
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    first = client.post(url, _offer_form(brief, artist))
    second = client.post(url, _offer_form(brief, artist))
    assert first.status_code == 302
    assert second.status_code == 200  # the form again, with the reason on top
    assert "already has an open offer" in second.content.decode()
    assert Offer.objects.filter(brief=brief, artist=artist).count() == 1


def test_two_simultaneous_offer_submits_make_one_offer_and_neither_is_an_error_page(
    brand, brand_manager
):
    brief, artist = booking_brief(brand, social=True), booking_artist()
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    statuses = _post_at_once(brand_manager, url, _offer_form(brief, artist))
    assert sorted(statuses) == [200, 302]
    assert Offer.objects.filter(brief=brief, artist=artist).count() == 1


def test_the_fund_form_posted_twice_charges_once_and_the_second_gets_a_message(stripe_api):
    manager, _artist, contract = signed_contract()
    client = _client(manager)
    url = f"/payments/contracts/{contract.pk}/fund/"
    first = client.post(url, {"payment_method": "pm_card_visa"})
    second = client.post(url, {"payment_method": "pm_card_visa"}, follow=True)
    assert first.status_code == 302 and first.url == f"/bookings/contracts/{contract.pk}/"
    assert second.status_code == 200
    assert "funded already" in second.content.decode()
    assert Payment.objects.filter(contract=contract).count() == 1
    assert Payment.objects.get(contract=contract).status == Payment.Status.SUCCEEDED
    assert LedgerTransaction.objects.filter(contract=contract, kind="funding").count() == 1


def test_two_simultaneous_fund_submits_make_one_payment_and_one_charge(stripe_api):
    import stripe  # only to list what the fake Stripe holds, as Stripe's dashboard would

    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_api})

    def intent_ids() -> set[str]:
        return {
            p.id for p in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        }

    # The fake Stripe outlives the test database, whose ids restart: an earlier test's contract
    # may have had this contract's id. Only the intents made during this test count.
    before = intent_ids()
    manager, _artist, contract = signed_contract()
    url = f"/payments/contracts/{contract.pk}/fund/"
    statuses = _post_at_once(manager, url, {"payment_method": "pm_card_visa"})
    assert statuses == [302, 302]  # each lands on a page with a message, none is an error
    payment = Payment.objects.get(contract=contract)
    assert payment.status == Payment.Status.SUCCEEDED
    assert LedgerTransaction.objects.filter(contract=contract, kind="funding").count() == 1
    intents = [
        client.v1.payment_intents.retrieve(pi_id).to_dict() for pi_id in intent_ids() - before
    ]
    intents = [pi for pi in intents if pi["metadata"].get("aux_contract_id") == str(contract.pk)]
    assert [(pi["status"], pi["amount"]) for pi in intents] == [("succeeded", payment.gross)]
