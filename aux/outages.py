"""Turn an outage of a backing service into a clear 503 instead of the 500 page.

`server_error` is the site's handler500. Django calls it for any exception nobody handled,
wherever it was raised: in a view, a service, or a middleware (the session and user lookup of
SessionMiddleware/AuthenticationMiddleware, UserLanguageMiddleware reading `request.user`, a
session save on the way out). It is called while that exception is being handled, so
`sys.exception()` tells an outage from a bug.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.defaults import server_error as django_server_error
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a lost connection raises: PostgreSQL restarted or unreachable (psycopg's OperationalError
# and InterfaceError, as Django re-raises them), Redis or the Celery broker unreachable. An
# IntegrityError or a programming error is a bug and stays a 500.
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerError)
RETRY_AFTER_SECONDS = 5


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 + Retry-After: JSON in the API's one error shape under /api/ (or when JSON is asked
    for), a short page elsewhere. The failed request's transaction was rolled back with the lost
    connection, so the user can simply try again."""
    message = gettext(
        "The service is briefly unavailable and nothing was saved. Please try again in a "
        "few seconds."
    )
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"detail": message, "errors": {}}, status=503)
    else:
        # No request context: context processors could touch the database that just went away.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database/Redis/broker connection is a 503, anything else the 500 page.
    Django logs the exception with its traceback either way (log_response, django.request)."""
    if isinstance(sys.exception(), OUTAGES):
        return service_unavailable(request)
    return django_server_error(request)
