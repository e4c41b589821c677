"""Per-user rate limits on the API writes a spammer would aim at (offers, counter-offers, messages).

Rates are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["offers" | "messages"]); reads are
never throttled here. Over the limit: 429 with the one error shape and a Retry-After header.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle


class BookingWriteThrottle(ScopedRateThrottle):
    SCOPES = {"create": "offers", "counter": "offers", "messages": "messages"}

    def allow_request(self, request, view) -> bool:
        scope = self.SCOPES.get(getattr(view, "action", None) or "")
        if request.method in SAFE_METHODS or scope is None:
            return True
        view.throttle_scope = scope
        return super().allow_request(request, view)
