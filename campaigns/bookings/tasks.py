"""Celery tasks of bookings: thin, take ids, safe to run twice. Registered under their historical
names (campaigns.<task>) so the beat schedule and queued tasks match.

The services enqueue some of these tasks: they import them at use (this module imports them)."""

import logging

from celery import shared_task

from . import services
from .contract_pdf import contract_pdf_store
from .models import Contract

logger = logging.getLogger(__name__)


@shared_task(name="campaigns.offers_expire", acks_late=True)
def offers_expire() -> int:
    """Beat: expire open offers past their expiry (both sides are told). Returns how many."""
    return services.offers_expire_due()


@shared_task(name="campaigns.milestones_auto_approve", acks_late=True)
def milestones_auto_approve() -> int:
    """Beat: approve submitted deliverables whose review window passed without an answer."""
    return services.milestones_auto_approve_due()


@shared_task(name="campaigns.milestones_flag_overdue", acks_late=True)
def milestones_flag_overdue() -> int:
    """Beat: flag deliverables past their due date, once each."""
    return services.milestones_flag_overdue()


@shared_task(name="campaigns.sweep", acks_late=True)
def sweep() -> int:
    """Every few minutes: queue again contract PDFs and brief rankings that never ran."""
    return services.background_sweep()


@shared_task(name="campaigns.contract_render_pdf", acks_late=True, max_retries=3)
def contract_render_pdf(contract_id: int) -> bool:
    """Render the signed contract as a PDF with its signature block and store it."""
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        logger.info("contract %s is gone; no PDF", contract_id)
        return False
    return contract_pdf_store(contract=contract)


@shared_task(name="campaigns.milestones_review_remind", acks_late=True)
def milestones_review_remind() -> int:
    """Beat: remind brands a day before a submitted deliverable is approved automatically."""
    return services.milestones_review_remind_due()
