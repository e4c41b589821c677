"""Django's Redis cache, degrading to "no cache" while Redis is unreachable.

Everything that uses the cache here can do without it: the matching engine's memo (recomputed),
API throttles and allauth's rate limits (they fail open for the length of the outage), the
matching refresh debounce (the nightly rebuild catches up). So a Redis outage must not turn page
views into 500s: each call that cannot reach Redis logs a warning and answers as an empty cache
would. `/healthz` calls `check()`, which does not degrade, and reports the outage (503).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class DegradingRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are dropped while Redis is unreachable."""

    def _degrade(self, op: str, exc: Exception, fallback: Any) -> Any:
        logger.warning("cache %s skipped, Redis unreachable: %s", op, exc)
        return fallback

    def check(self) -> None:
        """Write and read a probe without degrading: raises when Redis is not answering."""
        key = "healthz:probe"
        try:
            super().set(key, "1", 10)
            value = super().get(key)
        except UNREACHABLE as exc:
            raise ConnectionError(f"Redis unreachable: {exc}") from exc
        if value != "1":
            raise RuntimeError("Redis did not return the value just written")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout=timeout, version=version)
        except UNREACHABLE as exc:
            return self._degrade("add", exc, False)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version=version)
        except UNREACHABLE as exc:
            return self._degrade("get", exc, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout=timeout, version=version)
        except UNREACHABLE as exc:
            return self._degrade("set", exc, None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout=timeout, version=version)
        except UNREACHABLE as exc:
            return self._degrade("touch", exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version=version)
        except UNREACHABLE as exc:
            return self._degrade("delete", exc, False)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version=version)
        except UNREACHABLE as exc:
            return self._degrade("get_many", exc, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version=version)
        except UNREACHABLE as exc:
            return self._degrade("has_key", exc, False)

    def incr(self, key, delta=1, version=None):
        # As if this were the first hit of a fresh counter: a rate limit fails open, not with 500.
        try:
            return super().incr(key, delta, version=version)
        except UNREACHABLE as exc:
            return self._degrade("incr", exc, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout=timeout, version=version)
        except UNREACHABLE as exc:
            return self._degrade("set_many", exc, list(data))

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version=version)
        except UNREACHABLE as exc:
            return self._degrade("delete_many", exc, None)

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as exc:
            return self._degrade("clear", exc, False)
