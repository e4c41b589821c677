"""Bridges the Django models and the matching engine (campaigns/matching/, Django-free).

Filled in when the engine lands; until then a brief's ranking is empty.
"""

from django.utils import timezone

from .models import Brief


def matches_recompute(*, brief: Brief) -> int:
    brief.matches_computed_at = timezone.now()
    brief.save(update_fields=["matches_computed_at"])
    return 0
