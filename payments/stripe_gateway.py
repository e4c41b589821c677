"""The only module that talks to Stripe (and the only one importing `stripe`).

Every create call carries an idempotency key chosen by the caller. Stripe's errors become ours:
PaymentTransientError (network, 5xx, rate limit: safe to retry with the same key) or
PaymentRejectedError (card declined, invalid request: retrying would fail the same way). Results
are plain dicts (`to_dict()`), so nothing outside this module sees a Stripe object.
In tests and the demo STRIPE_API_BASE points at the local fake Stripe (payments.devstripe).
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import stripe
from django.conf import settings

from aux.errors import ApplicationError

from .models import IdempotencyNamespace


class PaymentError(ApplicationError):
    """Stripe refused or could not be reached. `code` is Stripe's error code when it gave one."""

    status = 402

    def __init__(self, message: str, *, code: str = "", http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code or ""
        self.http_status = http_status


class PaymentTransientError(PaymentError):
    """Network trouble, a 5xx or a rate limit: the same request may succeed later."""

    status = 503


class PaymentRejectedError(PaymentError):
    """A card or validation error: the same request will fail again."""


class SignatureError(Exception):
    """A webhook whose signature does not verify, or was made too far in the future."""


class MalformedEventError(Exception):
    """A signed webhook without the fields an event of its type must have."""


def is_missing(error: PaymentError) -> bool:
    """Did Stripe answer that the object does not exist (404 / resource_missing)?"""
    return error.http_status == 404 or error.code == "resource_missing"


def _client() -> stripe.StripeClient:
    # Retries are ours (Celery, with the same idempotency key), not the SDK's. The SDK waits 80 s
    # for an answer by default: a hung Stripe would hold a page that long, so ours is shorter
    # (a timeout is a PaymentTransientError; the retry with the same key cannot charge twice).
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _call(fn, *args, **kwargs) -> dict[str, Any]:
    try:
        return fn(*args, **kwargs).to_dict()
    except (stripe.APIConnectionError, stripe.RateLimitError) as e:
        raise PaymentTransientError(str(e.user_message or e), code=e.code or "") from e
    except stripe.StripeError as e:
        status = e.http_status or 0
        message = e.user_message or str(e) or "Stripe refused the request."
        if status >= 500 or status == 409:
            raise PaymentTransientError(message, code=e.code or "", http_status=status) from e
        raise PaymentRejectedError(message, code=e.code or "", http_status=status) from e


def key_namespace() -> str:
    """This database's key prefix (payments.models.IdempotencyNamespace), also sent as the
    `aux_db` metadata of every object we create, so that an object made for an earlier database
    (same ids) can be told apart. Read, not cached: a database that starts over (a test flush, a
    restore) gets a new one at once."""
    row, _ = IdempotencyNamespace.objects.get_or_create(
        pk=1, defaults={"value": secrets.token_hex(6)}
    )
    return row.value


def made_elsewhere(obj: dict[str, Any]) -> bool:
    """True when a Stripe object we find (by its metadata) was made for another database: one
    that started over, whose ids ours repeat. Objects made before the prefix existed carry none."""
    made_for = (obj.get("metadata") or {}).get("aux_db")
    return bool(made_for) and made_for != key_namespace()


def _opts(key: str) -> dict[str, Any]:
    return {"idempotency_key": f"{key_namespace()}-{key}"}


# --- Connect accounts -----------------------------------------------------------------------------


def account_create(*, email: str, country: str, user_id: int, idempotency_key: str) -> dict:
    params = {
        "type": "express",
        "country": country or "FR",
        "email": email,
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"aux_user_id": str(user_id), "aux_db": key_namespace()},
    }
    return _call(_client().v1.accounts.create, params=params, options=_opts(idempotency_key))


def account_retrieve(account_id: str) -> dict:
    return _call(_client().v1.accounts.retrieve, account_id)


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> dict:
    params = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "type": "account_onboarding",
    }
    return _call(_client().v1.account_links.create, params=params)


# --- PaymentIntents and refunds -----------------------------------------------------------------


def payment_intent_create(
    *, amount: int, currency: str, metadata: dict[str, str], idempotency_key: str
) -> dict:
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "payment_method_types": ["card"],
        "metadata": {**metadata, "aux_db": key_namespace()},
    }
    return _call(_client().v1.payment_intents.create, params=params, options=_opts(idempotency_key))


def payment_intent_retrieve(payment_intent_id: str) -> dict:
    return _call(_client().v1.payment_intents.retrieve, payment_intent_id)


def payment_intent_confirm(
    *, payment_intent_id: str, payment_method: str, idempotency_key: str
) -> dict:
    """Attach a payment method and confirm (server-side: the demo's test-card path)."""
    client = _client()
    _call(
        client.v1.payment_intents.update,
        payment_intent_id,
        params={"payment_method": payment_method},
        options=_opts(f"{idempotency_key}-pm-{payment_method}"),
    )
    return _call(
        client.v1.payment_intents.confirm,
        payment_intent_id,
        options=_opts(f"{idempotency_key}-confirm-{payment_method}"),
    )


def refund_create(
    *, payment_intent_id: str, amount: int, metadata: dict[str, str], idempotency_key: str
) -> dict:
    params = {
        "payment_intent": payment_intent_id,
        "amount": amount,
        "metadata": {**metadata, "aux_db": key_namespace()},
    }
    return _call(_client().v1.refunds.create, params=params, options=_opts(idempotency_key))


def refund_retrieve(refund_id: str) -> dict:
    return _call(_client().v1.refunds.retrieve, refund_id)


# --- Transfers ----------------------------------------------------------------------------------


def transfer_create(
    *,
    amount: int,
    currency: str,
    destination: str,
    transfer_group: str,
    metadata: dict[str, str],
    idempotency_key: str,
) -> dict:
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "destination": destination,
        "transfer_group": transfer_group,
        "metadata": {**metadata, "aux_db": key_namespace()},
    }
    return _call(_client().v1.transfers.create, params=params, options=_opts(idempotency_key))


def transfer_retrieve(transfer_id: str) -> dict:
    return _call(_client().v1.transfers.retrieve, transfer_id)


def transfer_list(*, transfer_group: str) -> list[dict]:
    """Every transfer of one transfer group (we use one group per contract), newest first."""
    client, found, after = _client(), [], None
    while True:
        params: dict[str, Any] = {"transfer_group": transfer_group, "limit": 100}
        if after:
            params["starting_after"] = after
        page = _call(client.v1.transfers.list, params=params)
        found += page.get("data") or []
        if not page.get("has_more") or not found:
            return found
        after = found[-1]["id"]


# --- Webhooks -----------------------------------------------------------------------------------


def webhook_event_parse(*, payload: bytes, signature: str) -> dict:
    """Verify the Stripe-Signature header with the endpoint secret and return the event.

    The SDK refuses signatures older than the tolerance but not ones from the future; those are
    refused here too (a leaked secret could otherwise sign events that stay valid for ever).
    The result is only known to be signed: the caller checks its fields (MalformedEventError).
    """
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance
        )
    except (ValueError, stripe.SignatureVerificationError) as e:
        raise SignatureError(str(e)) from e
    stamp = next(
        (p.split("=", 1)[1] for p in signature.split(",") if p.strip().startswith("t=")), ""
    )
    if not stamp.strip().isdigit() or int(stamp) > time.time() + tolerance:
        raise SignatureError("Timestamp outside the tolerance zone (in the future).")
    try:
        event = json.loads(text)
    except ValueError as e:
        raise MalformedEventError(f"Not JSON: {e}") from e
    if not isinstance(event, dict):
        raise MalformedEventError("The event is not a JSON object.")
    return event


def webhook_signature(*, payload: bytes, timestamp: int, secret: str | None = None) -> str:
    """A Stripe-Signature header for `payload` (tests and the fake Stripe sign the same way)."""
    scheme = stripe.WebhookSignature.EXPECTED_SCHEME
    signed = stripe.WebhookSignature._compute_signature(
        f"{timestamp}.{payload.decode('utf-8')}", secret or settings.STRIPE_WEBHOOK_SECRET
    )
    return f"t={timestamp},{scheme}={signed}"
