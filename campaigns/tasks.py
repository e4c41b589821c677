"""Celery tasks of campaigns: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="campaigns.brief_compute_matches", acks_late=True, max_retries=3)
def brief_compute_matches(brief_id: int) -> int:
    """Rank the artists for one brief and store the top N as Match rows (returns how many)."""
    from .matching_service import brief_match_notify, matches_recompute
    from .models import Brief

    brief = Brief.objects.filter(pk=brief_id).first()
    if brief is None:
        logger.info("brief %s is gone; nothing to rank", brief_id)
        return 0
    stored = matches_recompute(brief=brief)
    brief_match_notify(brief=brief)
    return stored


@shared_task(name="campaigns.snapshot_rebuild", acks_late=True)
def snapshot_rebuild() -> int:
    """Full rebuild of the matching snapshot from the database (nightly, or by hand)."""
    from .matching_service import snapshot_build

    return snapshot_build().n_alive


@shared_task(name="campaigns.snapshot_refresh", acks_late=True)
def snapshot_refresh() -> int:
    """Apply changed artists to the snapshot, then re-rank every published brief."""
    from .matching_service import snapshot_refresh_and_rerank

    return snapshot_refresh_and_rerank()


@shared_task(name="campaigns.snapshot_catch_up", acks_late=True)
def snapshot_catch_up() -> bool:
    """Beat: refresh for artist changes no refresh covered (a lost task): none is dropped."""
    from .matching_service import snapshot_catch_up as catch_up

    return catch_up()


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
