"""The webhook endpoint: signature first, event id stored once, replays change nothing, and
nothing moves on an event's word: the object is read again from (the fake) Stripe."""

import json
import time

import pytest

from campaigns.bookings import services as bookings
from payments import services, stripe_gateway
from payments.models import LedgerEntry, Payment, PaymentAccount, Payout, WebhookEvent
from payments.services.payouts import _payouts_prepare
from tests.users.factories import UserFactory

from .factories import fund, onboard, signed_contract
from .stripe_server import onboarding_complete

pytestmark = pytest.mark.django_db

URL = "/payments/stripe/webhook/"


def _post(client, event, *, secret: str | None = None, created: int | None = None):
    payload = json.dumps(event).encode()
    header = stripe_gateway.webhook_signature(
        payload=payload, timestamp=created or int(time.time()), secret=secret
    )
    return client.post(URL, data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header)  # fmt: skip


def _account_event(event_id: str, account_id: str, *, enabled: bool, created: int) -> dict:
    return {
        "id": event_id, "object": "event", "type": "account.updated", "created": created,
        "data": {"object": {
            "id": account_id, "object": "account", "charges_enabled": enabled,
            "payouts_enabled": enabled, "details_submitted": enabled,
            "capabilities": {"transfers": "active" if enabled else "inactive"},
            "requirements": {"currently_due": [] if enabled else ["external_account"]},
        }},
    }  # fmt: skip


@pytest.fixture
def account(stripe_api, db):
    """Our row of an Express account that exists at Stripe, onboarding not finished."""
    user = UserFactory()
    services.payouts_onboard(actor=user, return_url="http://testserver/back",
                             refresh_url="http://testserver/back")  # fmt: skip
    return PaymentAccount.objects.get(user=user)


@pytest.fixture
def onboarded_account(stripe_api, db):
    """An account Stripe has enabled, whose state we have not heard of yet."""
    user = UserFactory()
    onboard(user)
    PaymentAccount.objects.filter(user=user).update(
        payouts_enabled=False, transfers_active=False, charges_enabled=False, stripe_updated=0
    )
    return PaymentAccount.objects.get(user=user)


def test_a_bad_signature_is_a_400_and_nothing_is_stored(client, account):
    event = _account_event("evt_bad", account.stripe_account_id, enabled=True,
                           created=int(time.time()))  # fmt: skip
    response = _post(client, event, secret="whsec_wrong")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    account.refresh_from_db()
    assert not account.payouts_enabled


def test_an_unsigned_request_is_a_400(client, db):
    response = client.post(URL, data=b"{}", content_type="application/json")
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_replaying_an_event_100_times_has_one_effect(client, onboarded_account):
    account = onboarded_account
    now = int(time.time())
    event = _account_event("evt_once", account.stripe_account_id, enabled=True, created=now)
    responses = [_post(client, event).status_code for _ in range(100)]
    assert responses == [200] * 100
    assert WebhookEvent.objects.filter(stripe_event_id="evt_once").count() == 1
    account.refresh_from_db()
    assert account.can_receive and account.stripe_updated >= now
    # A later, different event for the same account is still applied once.
    later = _account_event("evt_two", account.stripe_account_id, enabled=True, created=now + 5)
    assert _post(client, later).status_code == 200
    assert WebhookEvent.objects.get(stripe_event_id="evt_two").result == "applied"


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_state(client, onboarded_account):
    account = onboarded_account
    now = int(time.time())
    _post(client, _account_event("evt_new", account.stripe_account_id, enabled=True, created=now))
    _post(client, _account_event("evt_old", account.stripe_account_id, enabled=False,
                                 created=now - 60))  # fmt: skip
    account.refresh_from_db()
    assert account.payouts_enabled
    assert WebhookEvent.objects.get(stripe_event_id="evt_old").result == "older than our state"


def test_an_event_for_an_account_we_do_not_know_yet_waits_and_is_processed_later(
    client, stripe_api, db
):
    from payments.services import reconcile

    user = UserFactory()
    data = stripe_gateway.account_create(email=user.email, country="FR", user_id=user.pk,
                                         idempotency_key=f"test-later-{user.pk}")  # fmt: skip
    link = stripe_gateway.account_link_create(account_id=data["id"], refresh_url="http://x/",
                                              return_url="http://x/")  # fmt: skip
    onboarding_complete(link["url"])
    event = _account_event("evt_early", data["id"], enabled=True, created=int(time.time()))
    assert _post(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id="evt_early")
    assert row.processed_at is None and row.result.startswith("pending")
    PaymentAccount.objects.create(user=user, stripe_account_id=data["id"])
    reconcile()
    row.refresh_from_db()
    assert row.processed_at is not None
    assert PaymentAccount.objects.get(user=user).payouts_enabled


def test_unknown_event_types_are_acknowledged_and_logged(client, db, caplog):
    event = {"id": "evt_x", "object": "event", "type": "balance.available",
             "created": int(time.time()), "data": {"object": {}}}  # fmt: skip
    assert _post(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id="evt_x")
    assert row.processed_at is not None and row.result == "ignored"
    assert "balance.available" in caplog.text


# --- forged events: Stripe's own copy of the object decides, never the event's ------------------


def _intent_event(event_id: str, obj: dict, *, kind: str = "payment_intent.succeeded") -> dict:
    return {"id": event_id, "object": "event", "type": kind, "created": int(time.time()),
            "data": {"object": {"object": "payment_intent", **obj}}}  # fmt: skip


def test_a_forged_payment_succeeded_for_an_unpaid_intent_funds_nothing(client, stripe_api):
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    assert stripe_gateway.payment_intent_retrieve(payment.stripe_payment_intent_id)["status"] == (
        "requires_payment_method"
    )
    forged = _intent_event("evt_forged_pi", {
        "id": payment.stripe_payment_intent_id, "status": "succeeded",
        "metadata": {"aux_payment_id": str(payment.pk), "aux_contract_id": str(contract.pk)},
    })  # fmt: skip
    assert _post(client, forged).status_code == 200
    payment.refresh_from_db()
    contract.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT and not contract.funded
    assert not LedgerEntry.objects.exists()
    row = WebhookEvent.objects.get(stripe_event_id="evt_forged_pi")
    assert row.processed_at is not None and row.result.startswith("refused")


def test_a_succeeded_intent_that_is_not_this_payments_moves_nothing(client, stripe_api):
    """A real, succeeded PaymentIntent of 1.00 whose event claims to fund another contract."""
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    cheap = stripe_gateway.payment_intent_create(
        amount=100, currency=payment.currency, idempotency_key=f"test-cheap-{payment.pk}",
        metadata={"aux_payment_id": str(payment.pk), "aux_contract_id": str(contract.pk)},
    )  # fmt: skip
    stripe_gateway.payment_intent_confirm(payment_intent_id=cheap["id"],
                                          payment_method="pm_card_visa",
                                          idempotency_key=f"test-cheap-{payment.pk}")  # fmt: skip
    forged = _intent_event("evt_cheap", {"id": cheap["id"], "status": "succeeded",
                                         "metadata": cheap["metadata"]})  # fmt: skip
    assert _post(client, forged).status_code == 200
    contract.refresh_from_db()
    assert not contract.funded and not LedgerEntry.objects.exists()
    assert WebhookEvent.objects.get(stripe_event_id="evt_cheap").result.startswith("refused")


def test_a_payment_succeeded_event_funds_the_contract_once_stripe_has_the_money(client, stripe_api):
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    # Confirmed at Stripe without our handler running (as when the browser confirms it).
    stripe_gateway.payment_intent_confirm(payment_intent_id=payment.stripe_payment_intent_id,
                                          payment_method="pm_card_visa",
                                          idempotency_key=payment.idempotency_key)  # fmt: skip
    event = _intent_event("evt_real_pi", {"id": payment.stripe_payment_intent_id})
    assert _post(client, event).status_code == 200
    payment.refresh_from_db()
    contract.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and contract.funded
    assert services.contract_balances(contract=contract)["escrow"] == contract.total


def test_a_forged_account_update_cannot_enable_payouts(client, account):
    event = _account_event("evt_forged_acct", account.stripe_account_id, enabled=True,
                           created=int(time.time()))  # fmt: skip
    assert _post(client, event).status_code == 200
    account.refresh_from_db()
    assert not account.payouts_enabled and not account.transfers_active
    assert account.requirements_due  # Stripe still wants the onboarding fields


def test_an_event_for_an_object_stripe_does_not_know_is_recorded_and_ignored(client, stripe_api,
                                                                             db):  # fmt: skip
    PaymentAccount.objects.create(user=UserFactory(), stripe_account_id="acct_forged1")
    event = _account_event("evt_ghost", "acct_forged1", enabled=True, created=int(time.time()))
    assert _post(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id="evt_ghost")
    assert row.processed_at is not None and row.result.startswith("refused")
    assert not PaymentAccount.objects.get(stripe_account_id="acct_forged1").payouts_enabled


def _pending_payout(manager, artist, contract):
    """A funded contract whose first deliverable is approved, its payout row not yet paid."""
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    bookings.milestone_approve(actor=manager, milestone=m)  # its payout task is not run here
    [payout] = _payouts_prepare(m.pk)
    return payout


def test_a_forged_transfer_created_marks_nothing_paid(client, stripe_api):
    manager, artist, contract = signed_contract()
    payout = _pending_payout(manager, artist, contract)
    forged = {"id": "evt_forged_tr", "object": "event", "type": "transfer.created",
              "created": int(time.time()), "data": {"object": {
                  "id": "tr_forged000001", "object": "transfer", "amount": payout.amount,
                  "currency": payout.currency.lower(), "destination": payout.stripe_account_id,
                  "metadata": {"aux_payout_id": str(payout.pk)}}}}  # fmt: skip
    assert _post(client, forged).status_code == 200
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING and not payout.stripe_transfer_id
    assert services.contract_balances(contract=contract)["artist_paid"] == 0
    assert WebhookEvent.objects.get(stripe_event_id="evt_forged_tr").result.startswith("refused")


def test_a_real_transfer_of_another_payout_is_not_recorded_for_this_one(client, stripe_api):
    manager, artist, contract = signed_contract()
    payout = _pending_payout(manager, artist, contract)
    other = stripe_gateway.transfer_create(
        amount=payout.amount, currency=payout.currency, destination=payout.stripe_account_id,
        transfer_group="elsewhere", metadata={"aux_payout_id": str(payout.pk + 1000)},
        idempotency_key=f"test-other-{payout.pk}",
    )  # fmt: skip
    forged = {"id": "evt_other_tr", "object": "event", "type": "transfer.created",
              "created": int(time.time()), "data": {"object": {
                  **other, "metadata": {"aux_payout_id": str(payout.pk)}}}}  # fmt: skip
    assert _post(client, forged).status_code == 200
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING
    assert services.contract_balances(contract=contract)["artist_paid"] == 0


@pytest.mark.parametrize(
    "event",
    [
        {"object": "event", "type": "payment_intent.succeeded", "created": 1,
         "data": {"object": {"id": "pi_x", "object": "payment_intent"}}},  # no id
        {"id": "evt_m1", "object": "event", "type": "payment_intent.succeeded", "created": 1},
        {"id": "evt_m2", "object": "event", "type": "payment_intent.succeeded", "created": 1,
         "data": {"object": {"object": "payment_intent", "status": "succeeded"}}},
        {"id": "evt_m3", "object": "event", "type": "transfer.created", "created": 1,
         "data": {"object": "tr_123"}},
        {"id": "evt_m4", "object": "event", "type": "account.updated", "created": 1,
         "data": {"object": {"id": 42, "object": "account"}}},
        {"id": "evt_m5", "object": "event", "type": "account.updated",
         "data": {"object": {"id": "acct_1", "object": "account"}}},  # no created
        {"id": ["evt_m6"], "object": "event", "type": "account.updated", "created": 1,
         "data": {"object": {"id": "acct_1", "object": "account"}}},
        {"id": "evt_m7", "object": "event", "type": "transfer.created", "created": 1,
         "data": {"object": {"id": "pi_123", "object": "payment_intent"}}},  # wrong object
        [],
    ],
)  # fmt: skip
def test_an_event_without_the_expected_fields_is_a_400_not_a_500(client, stripe_api, db, event):
    if isinstance(event, dict) and "created" in event:
        event["created"] = int(time.time())
    assert _post(client, event).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_signature_from_the_future_is_refused(client, onboarded_account):
    now = int(time.time())
    event = _account_event("evt_future", onboarded_account.stripe_account_id, enabled=True,
                           created=now)  # fmt: skip
    payload = json.dumps(event).encode()
    header = stripe_gateway.webhook_signature(payload=payload, timestamp=now + 3600)
    response = client.post(URL, data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_an_event_created_in_the_future_is_refused(client, onboarded_account):
    """It would otherwise make every real update look older than our state for a year."""
    future = int(time.time()) + 365 * 86400
    event = _account_event("evt_future2", onboarded_account.stripe_account_id, enabled=True,
                           created=future)  # fmt: skip
    payload = json.dumps(event).encode()
    header = stripe_gateway.webhook_signature(payload=payload, timestamp=int(time.time()))
    response = client.post(URL, data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
    assert response.status_code == 400 and not WebhookEvent.objects.exists()
    onboarded_account.refresh_from_db()
    assert onboarded_account.stripe_updated == 0


def test_a_payment_whose_intent_id_was_never_stored_is_found_by_stripes_metadata(
    client, stripe_api
):
    """The server died between creating the PaymentIntent and storing its id."""
    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    intent_id = payment.stripe_payment_intent_id
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=None)
    stripe_gateway.payment_intent_confirm(payment_intent_id=intent_id,
                                          payment_method="pm_card_visa",
                                          idempotency_key=payment.idempotency_key)  # fmt: skip
    assert _post(client, _intent_event("evt_lost_id", {"id": intent_id})).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.stripe_payment_intent_id == intent_id


def test_an_intent_made_for_another_database_is_not_taken_for_ours(stripe_api):
    # A database that started over (a restore, a reset) repeats ids: Stripe's object names our
    # payment's id and contract but was made under another key prefix, so it is not ours.
    from payments.models import IdempotencyNamespace
    from payments.services.funding import _intent_mismatch

    manager, _artist, contract = signed_contract()
    payment = services.payment_start(actor=manager, contract=contract)
    intent = stripe_gateway.payment_intent_retrieve(payment.stripe_payment_intent_id)
    assert _intent_mismatch(payment, intent) == ""
    IdempotencyNamespace.objects.update(value="0123456789ab")
    assert "another database" in _intent_mismatch(payment, intent)
