"""Turn an outage of a backing service into a clear 503 instead of a 500 traceback page."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a lost connection raises: PostgreSQL restarted or unreachable (psycopg's OperationalError
# and InterfaceError, as Django re-raises them), Redis or the Celery broker unreachable. An
# IntegrityError or a programming error is a bug and stays a 500.
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerError)
RETRY_AFTER_SECONDS = 5


class ServiceUnavailableMiddleware:
    """A view that failed because the database (or Redis) went away answers 503 + Retry-After:
    JSON in the API's one error shape under /api/, a short page elsewhere. The service's
    transaction was rolled back by the failure, so the user can simply try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None
        logger.error("%s %s: service unavailable: %s: %s", request.method, request.path,
                     type(exception).__name__, exception)  # fmt: skip
        message = gettext(
            "The service is briefly unavailable and nothing was saved. Please try again in a "
            "few seconds."
        )
        if request.path.startswith("/api/") or "application/json" in request.headers.get(
            "Accept", ""
        ):
            response: HttpResponse = JsonResponse({"detail": message, "errors": {}}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
