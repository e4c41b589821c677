"""Stripe webhooks: verified, stored first (once per event id), applied from Stripe's own copy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext

from aux.errors import ApplicationError, NotFoundError

from .. import stripe_gateway as gateway
from ..models import PaymentAccount, Payout, WebhookEvent
from ._common import StripeMismatchError, _now, logger
from .funding import payment_sync
from .onboarding import _account_apply
from .payouts import payout_record_transfer


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify, check the envelope, then store the event id first; a duplicate returns
    (row, False) and does nothing.

    Raises stripe_gateway.SignatureError for a bad, stale or future signature and
    stripe_gateway.MalformedEventError for a signed event without the fields its type needs
    (both a 400, nothing stored).
    """
    event = gateway.webhook_event_parse(payload=payload, signature=signature)
    _webhook_check(event)
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                stripe_event_id=event["id"], type=event["type"], created=event["created"],
                payload=event,
            )  # fmt: skip
    except IntegrityError:
        return WebhookEvent.objects.get(stripe_event_id=event["id"]), False
    webhook_process(event=row)
    return row, True


# The events that move state → the object they carry and its id prefix. Their object is read
# again from Stripe before anything is done: the event's copy is never trusted.
HANDLED_EVENTS = {
    "account.updated": ("account", "acct_"),
    "payment_intent.succeeded": ("payment_intent", "pi_"),
    "payment_intent.payment_failed": ("payment_intent", "pi_"),
    "transfer.created": ("transfer", "tr_"),
}


def _webhook_check(event: dict[str, Any]) -> None:
    """Refuse (MalformedEventError) an event without an id, a type, a time that is not in the
    future, and, for the types we act on, the object's id and kind."""
    Malformed = gateway.MalformedEventError
    event_id, kind, created = event.get("id"), event.get("type"), event.get("created")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 100:
        raise Malformed("The event has no id.")
    if not isinstance(kind, str) or not 0 < len(kind) <= 100:
        raise Malformed("The event has no type.")
    if not isinstance(created, int) or isinstance(created, bool) or created < 0:
        raise Malformed("The event has no creation time.")
    if created > _now().timestamp() + settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS:
        raise Malformed("The event was created in the future.")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise Malformed("The event carries no object.")
    if kind in HANDLED_EVENTS:
        name, prefix = HANDLED_EVENTS[kind]
        obj = data["object"]
        object_id = obj.get("id")
        if not isinstance(object_id, str) or not object_id.startswith(prefix):
            raise Malformed(f"A {kind} event needs the {name}'s id.")
        if len(object_id) > 255 or obj.get("object") != name:
            raise Malformed(f"A {kind} event carries a {name}.")


def _stripe_copy(kind: str, object_id: str) -> dict[str, Any]:
    """The object of an event as Stripe has it now."""
    if kind == "account.updated":
        return gateway.account_retrieve(object_id)
    if kind == "transfer.created":
        return gateway.transfer_retrieve(object_id)
    return gateway.payment_intent_retrieve(object_id)


def webhook_process(*, event: WebhookEvent) -> bool:
    """Apply one stored event once, from Stripe's own copy of its object.

    - Stripe does not know the object (a forged event): recorded as refused, nothing moves.
    - Stripe's copy disagrees with our row (amount, currency, metadata): recorded as refused and
      logged as an error, nothing moves.
    - We do not know the object yet, or Stripe cannot be reached: the event stays pending and
      `reconcile` processes it again later.
    Returns True when the event is done with (applied, ignored or refused).
    """
    event = WebhookEvent.objects.get(pk=event.pk)
    if event.processed_at is not None:
        return False
    fresh: dict[str, Any] | None = None
    read_at = int(_now().timestamp())
    result = ""
    if event.type not in HANDLED_EVENTS:
        logger.info("stripe event %s (%s) acknowledged, not handled", event.stripe_event_id,
                    event.type)  # fmt: skip
        result = "ignored"
    else:
        object_id = event.payload["data"]["object"]["id"]
        try:  # outside any lock: no database lock is held across a call to Stripe
            fresh = _stripe_copy(event.type, object_id)
        except gateway.PaymentError as e:
            if not gateway.is_missing(e):
                logger.warning("stripe event %s waits: %s", event.stripe_event_id, e.message)
                WebhookEvent.objects.filter(pk=event.pk).update(
                    result=f"pending: Stripe did not answer: {e.message}"[:200]
                )
                return False
            logger.warning("stripe event %s refused: Stripe has no %s", event.stripe_event_id,
                           object_id)  # fmt: skip
            result = f"refused: Stripe has no {object_id}"
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if event.processed_at is not None:
            return False
        if fresh is not None:
            try:
                with transaction.atomic():
                    result = _webhook_apply(event.type, fresh, created=event.created,
                                            read_at=read_at)  # fmt: skip
            except NotFoundError as e:
                logger.warning("stripe event %s waits: %s", event.stripe_event_id, e.message)
                event.result = f"pending: {e.message}"[:200]
                event.save(update_fields=["result"])
                return False
            except ApplicationError as e:
                why = getattr(e, "detail", e.message)
                logger.error("stripe event %s refused: %s", event.stripe_event_id, why)
                result = f"refused: {why}"
        event.processed_at, event.result = _now(), result[:200]
        event.save(update_fields=["processed_at", "result"])
        return True


def _webhook_apply(kind: str, obj: dict[str, Any], *, created: int, read_at: int) -> str:
    """Act on Stripe's copy `obj` (read at `read_at`) of an event's object."""
    if kind == "account.updated":
        account = (
            PaymentAccount.objects.select_for_update().filter(stripe_account_id=obj["id"]).first()
        )
        if account is None:
            raise NotFoundError(gettext("No account %(get)s.") % {"get": obj["id"]})
        owner = (obj.get("metadata") or {}).get("aux_user_id")
        if owner and owner != str(account.user_id):
            raise StripeMismatchError(f"Account {obj['id']} belongs to user {owner} at Stripe.")
        if created < account.stripe_updated:
            return "older than our state"
        # Stripe's copy is its state at `read_at`: it already holds every change made before.
        applied = _account_apply(account, obj, at=max(created, read_at))
        return "applied" if applied else "older than our state"
    if kind.startswith("payment_intent."):
        if kind == "payment_intent.succeeded" and obj.get("status") != "succeeded":
            raise StripeMismatchError(
                f"the event says {obj['id']} succeeded, Stripe says {obj.get('status')}"
            )
        payment_sync(intent=obj)
        return "synced"
    if kind == "transfer.created":
        payout_id = str((obj.get("metadata") or {}).get("aux_payout_id") or "")
        payout = Payout.objects.filter(
            Q(stripe_transfer_id=obj["id"]) | Q(pk=int(payout_id) if payout_id.isdigit() else 0)
        ).first()
        if payout is None:
            raise NotFoundError(gettext("No payout for %(get)s.") % {"get": obj["id"]})
        payout_record_transfer(payout_id=payout.pk, transfer=obj)
        return "recorded"
    return "ignored"
