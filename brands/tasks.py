"""Celery tasks for brands: thin, take ids, call services, retry only transient errors."""

import smtplib

from celery import shared_task

from . import services

# SMTPException covers refusals (4xx) and dropped sessions; OSError covers refused connections
# and timeouts. Anything else is a bug and is not retried.
TRANSIENT = (smtplib.SMTPException, OSError)


@shared_task(
    name="brands.send_invitation",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_invitation(invitation_id: int) -> bool:
    """E-mail one invitation's link (nothing if it was accepted, revoked or has expired)."""
    return services.invitation_send_email(invitation_id=invitation_id)
