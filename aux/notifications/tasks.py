"""Celery tasks: thin, take ids, call services, retry only transient (SMTP/network) errors."""

import smtplib

from celery import shared_task

from . import services

# SMTPException covers refusals (4xx) and dropped sessions; OSError covers refused connections
# and timeouts. Anything else is a bug and is not retried.
TRANSIENT = (smtplib.SMTPException, OSError)


@shared_task(
    name="notifications.send_email",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_email(notification_id: int) -> bool:
    """Send one notification's e-mail (at most once, whatever the retries)."""
    return services.notification_send_email(notification_id=notification_id)


@shared_task(
    name="notifications.send_digest",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_digest(user_id: int, period: str | None = None) -> int:
    """Send one user's daily digest: once per period, never an item twice."""
    return services.digest_send(user_id=user_id, period=period)


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    """The daily beat job: one digest task per user with items waiting."""
    return services.digests_enqueue()


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Every few minutes: queue again immediate e-mails whose task never reached a worker."""
    return services.emails_sweep()
