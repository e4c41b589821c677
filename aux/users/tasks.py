"""Celery tasks for accounts: thin, take ids, call services, retry only transient errors."""

import smtplib

from celery import shared_task

from . import services

TRANSIENT = (smtplib.SMTPException, OSError)


@shared_task(
    name="users.send_login_delay_notice",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def send_login_delay_notice(user_id: int) -> bool:
    """Tell an account's owner that wrong passwords are delaying sign-ins to it."""
    return services.login_delay_notice_send(user_id=user_id)
