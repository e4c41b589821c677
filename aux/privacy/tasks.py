"""Celery tasks of aux.privacy: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

from .services import export_build as build
from .services import retention_apply as apply

logger = logging.getLogger(__name__)


@shared_task(name="privacy.export_build", acks_late=True, max_retries=3)
def export_build(archive_id: int) -> bool:
    """Build one export archive and e-mail its link (an archive already built is left alone)."""
    archive = build(archive_id=archive_id)
    if archive is None:
        logger.info("export archive %s is gone; nothing to build", archive_id)
    return archive is not None


@shared_task(name="privacy.retention_apply", acks_late=True)
def retention_apply() -> int:
    """Beat (daily): apply the retention schedule; returns how many rows it removed."""
    return apply().total
