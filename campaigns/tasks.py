"""Celery tasks of campaigns: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="campaigns.brief_compute_matches", acks_late=True, max_retries=3)
def brief_compute_matches(brief_id: int) -> int:
    """Rank the artists for one brief and store the top N as Match rows (returns how many)."""
    from .matching_service import matches_recompute
    from .models import Brief

    brief = Brief.objects.filter(pk=brief_id).first()
    if brief is None:
        logger.info("brief %s is gone; nothing to rank", brief_id)
        return 0
    return matches_recompute(brief=brief)
