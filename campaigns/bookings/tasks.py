"""Celery tasks of campaigns: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


# --- Bookings ----------------------------------------------------------------------------------


@shared_task(name="campaigns.offers_expire", acks_late=True)
def offers_expire() -> int:
    """Beat: expire open offers past their expiry (both sides are told). Returns how many."""
    from .services import offers_expire_due

    return offers_expire_due()


@shared_task(name="campaigns.milestones_auto_approve", acks_late=True)
def milestones_auto_approve() -> int:
    """Beat: approve submitted deliverables whose review window passed without an answer."""
    from .services import milestones_auto_approve_due

    return milestones_auto_approve_due()


@shared_task(name="campaigns.milestones_flag_overdue", acks_late=True)
def milestones_flag_overdue() -> int:
    """Beat: flag deliverables past their due date, once each."""
    from .services import milestones_flag_overdue as flag

    return flag()


@shared_task(name="campaigns.sweep", acks_late=True)
def sweep() -> int:
    """Every few minutes: queue again contract PDFs and brief rankings that never ran."""
    from .services import background_sweep

    return background_sweep()


@shared_task(name="campaigns.contract_render_pdf", acks_late=True, max_retries=3)
def contract_render_pdf(contract_id: int) -> bool:
    """Render the signed contract as a PDF with its signature block and store it."""
    from .contract_pdf import contract_pdf_store
    from .models import Contract

    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        logger.info("contract %s is gone; no PDF", contract_id)
        return False
    return contract_pdf_store(contract=contract)


@shared_task(name="campaigns.milestones_review_remind", acks_late=True)
def milestones_review_remind() -> int:
    """Beat: remind brands a day before a submitted deliverable is approved automatically."""
    from .services import milestones_review_remind_due

    return milestones_review_remind_due()
