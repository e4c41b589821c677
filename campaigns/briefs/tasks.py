"""Celery tasks of briefs (ranking and the matching snapshot): thin, take ids, safe to run twice.
Registered under their historical names (campaigns.<task>) so the beat schedule and queued tasks
match. matching_service enqueues some of them: it imports them at use (this module imports it)."""

import logging

from celery import shared_task

from . import matching_service, snapshot_store
from .models import Brief

logger = logging.getLogger(__name__)


@shared_task(name="campaigns.brief_compute_matches", acks_late=True, max_retries=3)
def brief_compute_matches(brief_id: int) -> int:
    """Rank the artists for one brief and store the top N as Match rows (returns how many)."""
    brief = Brief.objects.filter(pk=brief_id).first()
    if brief is None:
        logger.info("brief %s is gone; nothing to rank", brief_id)
        return 0
    stored = matching_service.matches_recompute(brief=brief)
    matching_service.brief_match_notify(brief=brief)
    return stored


@shared_task(name="campaigns.snapshot_rebuild", acks_late=True)
def snapshot_rebuild() -> int:
    """Full rebuild of the matching snapshot from the database (nightly, or by hand)."""
    return snapshot_store.snapshot_build().n_alive


@shared_task(name="campaigns.snapshot_ensure", acks_late=True)
def snapshot_ensure() -> int:
    """Build the first snapshot version if none is published, then rank the briefs waiting."""
    return matching_service.snapshot_first_build()


@shared_task(name="campaigns.snapshot_refresh", acks_late=True)
def snapshot_refresh() -> int:
    """Apply changed artists to the snapshot, then re-rank every published brief."""
    return matching_service.snapshot_refresh_and_rerank()


@shared_task(name="campaigns.snapshot_catch_up", acks_late=True)
def snapshot_catch_up() -> bool:
    """Beat: refresh for artist changes no refresh covered (a lost task): none is dropped."""
    return matching_service.snapshot_catch_up()
