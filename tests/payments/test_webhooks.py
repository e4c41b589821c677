"""The webhook endpoint: signature first, event id stored once, replays change nothing."""

import json
import time

import pytest

from payments import stripe_gateway
from payments.models import PaymentAccount, WebhookEvent
from tests.users.factories import UserFactory

URL = "/payments/stripe/webhook/"


def _post(client, event: dict, *, secret: str | None = None, created: int | None = None):
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
def account(db):
    return PaymentAccount.objects.create(user=UserFactory(), stripe_account_id="acct_test1")


def test_a_bad_signature_is_a_400_and_nothing_is_stored(client, account):
    event = _account_event("evt_bad", "acct_test1", enabled=True, created=int(time.time()))
    response = _post(client, event, secret="whsec_wrong")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    account.refresh_from_db()
    assert not account.payouts_enabled


def test_an_unsigned_request_is_a_400(client, db):
    response = client.post(URL, data=b"{}", content_type="application/json")
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_replaying_an_event_100_times_has_one_effect(client, account):
    now = int(time.time())
    event = _account_event("evt_once", "acct_test1", enabled=True, created=now)
    responses = [_post(client, event).status_code for _ in range(100)]
    assert responses == [200] * 100
    assert WebhookEvent.objects.filter(stripe_event_id="evt_once").count() == 1
    account.refresh_from_db()
    assert account.can_receive and account.stripe_updated == now
    # A later, different event for the same account is still applied once.
    assert _post(client, _account_event("evt_two", "acct_test1", enabled=False,
                                        created=now + 5)).status_code == 200  # fmt: skip
    account.refresh_from_db()
    assert not account.payouts_enabled


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_state(client, account):
    now = int(time.time())
    _post(client, _account_event("evt_new", "acct_test1", enabled=True, created=now))
    _post(client, _account_event("evt_old", "acct_test1", enabled=False, created=now - 60))
    account.refresh_from_db()
    assert account.payouts_enabled
    assert WebhookEvent.objects.get(stripe_event_id="evt_old").result == "older than our state"


def test_an_event_for_an_unknown_object_waits_and_is_processed_later(client, db):
    from payments.services import reconcile

    event = _account_event("evt_early", "acct_later", enabled=True, created=int(time.time()))
    assert _post(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id="evt_early")
    assert row.processed_at is None and row.result.startswith("pending")
    user = UserFactory()
    PaymentAccount.objects.create(user=user, stripe_account_id="acct_later")
    reconcile()
    row.refresh_from_db()
    assert row.processed_at is not None
    assert PaymentAccount.objects.get(user=user).payouts_enabled


def test_unknown_event_types_are_acknowledged_and_logged(client, db, caplog):
    event = {"id": "evt_x", "object": "event", "type": "balance.available", "created": 1,
             "data": {"object": {}}}  # fmt: skip
    assert _post(client, event).status_code == 200
    row = WebhookEvent.objects.get(stripe_event_id="evt_x")
    assert row.processed_at is not None and row.result == "ignored"
    assert "balance.available" in caplog.text
