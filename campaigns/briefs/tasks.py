"""Celery tasks of briefs (ranking and the matching snapshot): thin, take ids, safe to run twice.
Registered under their historical names (campaigns.<task>) so the beat schedule and queued tasks
match."""

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
