"""Per-user rate limits for page forms, sharing the API's budget for the same action.

The API throttles offers and messages with DRF's ScopedRateThrottle (aux/api/throttles.py); the
pages that create the same things call `over_limit` with the same scope, so one budget (per user,
in the cache) covers both ways in.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from django.http import HttpRequest
from django.utils.translation import ngettext
from rest_framework.throttling import ScopedRateThrottle


def over_limit(request: HttpRequest, scope: str) -> str | None:
    """Count one attempt at `scope`; over the rate, the message to show the user (else None)."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    minutes = max(1, math.ceil((throttle.wait() or 60) / 60))
    return ngettext(
        "You are going too fast: try again in %(n)d minute.",
        "You are going too fast: try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}
