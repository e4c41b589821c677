"""Wrong passwords per account: growing delays and one notice e-mail, never a lasting lock-out.

One rule for every way in: the login form (aux.users.adapters.AccountAdapter) and the API's
token view (aux.api.auth) call the same three functions. The per-client limits are separate
(allauth's ACCOUNT_RATE_LIMITS["login_failed"] and DRF's token throttle).

After AUX_LOGIN_FAILURES_BEFORE_DELAY failures within AUX_LOGIN_FAILURE_WINDOW_SECONDS, each
attempt must wait AUX_LOGIN_DELAY_SECONDS after the last failure, doubled at each further failure
and capped at AUX_LOGIN_DELAY_MAX_SECONDS. Attempts during a delay are refused before the password
is checked (the right one too) and do not count, so hammering cannot lengthen it; a stranger can
keep an account waiting at most the cap between tries, and the owner gets one e-mail per window
saying so. A successful sign-in clears the count.

State lives in the cache (per e-mail address, hashed); with the cache down the rule fails open,
like allauth's own limits.
"""

from __future__ import annotations

import hashlib
import math
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from aux.dispatch import enqueue

from .models import User
from .tasks import send_login_delay_notice

_PREFIX = "aux:login-failures:"


def _key(email: str) -> str:
    return _PREFIX + hashlib.sha256(email.strip().lower().encode()).hexdigest()


@contextmanager
def _locked(key: str):
    """Serialise the read-modify-write of one account's state across processes (best effort)."""
    lock = key + ":lock"
    for _ in range(50):
        if cache.add(lock, 1, timeout=5):
            break
        time.sleep(0.01)
    try:
        yield
    finally:
        cache.delete(lock)


def _state(key: str, now: float) -> dict:
    window = settings.AUX_LOGIN_FAILURE_WINDOW_SECONDS
    state = cache.get(key) or {"failures": [], "noticed_at": 0.0}
    state["failures"] = [t for t in state["failures"] if t > now - window]
    return state


def _delay_for(count: int) -> float:
    over = count - settings.AUX_LOGIN_FAILURES_BEFORE_DELAY
    if over < 0:
        return 0.0
    return float(
        min(settings.AUX_LOGIN_DELAY_SECONDS * 2**over, settings.AUX_LOGIN_DELAY_MAX_SECONDS)
    )


def login_delay_remaining(*, email: str) -> int:
    """Seconds this account must still wait before a password is checked (0: go ahead)."""
    if not email:
        return 0
    now = time.time()
    state = _state(_key(email), now)
    if not state["failures"]:
        return 0
    until = max(state["failures"]) + _delay_for(len(state["failures"]))
    return math.ceil(until - now) if until > now else 0


def login_failure_record(*, email: str) -> int:
    """Count one wrong password for `email`; the delay now in force, in seconds.

    The first time an account becomes delayed in a window, its owner (if the address has an
    active account) is e-mailed through the task queue: someone is trying their password.
    """
    if not email:
        return 0
    key = _key(email)
    now = time.time()
    with _locked(key):
        state = _state(key, now)
        state["failures"].append(now)
        delay = _delay_for(len(state["failures"]))
        notify = (
            delay > 0 and state["noticed_at"] <= now - settings.AUX_LOGIN_FAILURE_WINDOW_SECONDS
        )
        if notify:
            state["noticed_at"] = now
        cache.set(key, state, settings.AUX_LOGIN_FAILURE_WINDOW_SECONDS + int(delay) + 60)
    if notify:
        _queue_notice(email)
    return math.ceil(delay)


def login_failures_clear(*, email: str) -> None:
    """The right password went through: start counting afresh."""
    if email:
        cache.delete(_key(email))


def _queue_notice(email: str) -> None:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).only("pk").first()
    if user is not None:
        enqueue(send_login_delay_notice, user.pk)
