"""Celery tasks of payments: thin, take ids, safe to run any number of times."""

import logging
import smtplib

from celery import shared_task

from .services import deposit_pay, milestone_pay, payments_sweep, refund_issue
from .services import reconcile as run
from .services.contract_splits import split_invitation_send_email
from .stripe_gateway import PaymentTransientError

logger = logging.getLogger(__name__)


def _fresh_content_types() -> None:
    # A worker lives long and caches content type ids; after a database flush or restore (the
    # integration tests flush between tests) they may differ, and the audit trail's foreign key
    # would then fail on commit. One cheap query per task keeps the worker right.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# A task that moves money at Stripe: retried with backoff on network errors and Stripe 5xx only.
STRIPE_TASK = {
    "acks_late": True,
    "autoretry_for": (PaymentTransientError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="payments.pay_milestone", **STRIPE_TASK)
def pay_milestone(milestone_id: int) -> list[int]:
    """Transfer an approved milestone's amount to its payees (one transfer each, ever).

    Retries with backoff on network errors and Stripe 5xx only; card and validation errors mark
    the payout failed and stop. Returns the ids of the milestone's payouts.
    """
    _fresh_content_types()
    return [p.pk for p in milestone_pay(milestone_id=milestone_id)]


@shared_task(name="payments.pay_deposit", **STRIPE_TASK)
def pay_deposit(contract_id: int) -> list[int]:
    """Transfer a funded contract's deposit to its payees (one transfer each, ever)."""
    _fresh_content_types()
    return [p.pk for p in deposit_pay(contract_id=contract_id)]


@shared_task(name="payments.refund_contract", **STRIPE_TASK)
def refund_contract(contract_id: int, key: str, reason: str, amount: int | None) -> int | None:
    """Refund unspent escrow (or `amount` of it) plus its share of the fee, once per `key`."""
    _fresh_content_types()
    refund = refund_issue(contract_id=contract_id, key=key, reason=reason, amount=amount)
    return refund.pk if refund else None


@shared_task(name="payments.reconcile", acks_late=True)
def reconcile() -> int:
    """Nightly: compare the books with Stripe both ways, record the money Stripe moved that we
    missed; what was repaired or differs is logged and mailed to staff."""
    return len(run())


@shared_task(name="payments.sweep", acks_late=True)
def sweep() -> int:
    """Every few minutes: queue again payouts and refunds whose task never reached a worker."""
    return payments_sweep()


@shared_task(
    name="payments.send_split_invitation",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_split_invitation(split_id: int) -> bool:
    """E-mail a co-owner's signed invitation link (nothing once it is no longer pending)."""
    return split_invitation_send_email(split_id=split_id)
