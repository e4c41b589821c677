"""A lost database/Redis connection is a clear 503 wherever the request was when it happened,
also in a middleware (the session and user lookup), not only in a view; anything else stays the
500 page. (tests/integration/test_faults_postgres_restart.py restarts a real PostgreSQL.)"""

import html

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

RAISES = {
    "db-operational": lambda: OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    ),
    "db-interface": lambda: InterfaceError("connection already closed"),
    "redis": lambda: RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."),
    "broker": lambda: BrokerError("[Errno 111] Connection refused"),
    "integrity": lambda: IntegrityError("duplicate key value violates unique constraint"),
    "bug": lambda: RuntimeError("a plain bug"),
}


class RaiseInMiddleware:
    """Stands where UserLanguageMiddleware reads request.user (a session and user lookup): raises
    what the X-Raise header names, as that lookup would when the backing service is gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.headers.get("X-Raise")
        if name:
            raise RAISES[name]()
        return self.get_response(request)


@pytest.fixture
def client_seeing_errors(settings) -> Client:
    position = settings.MIDDLEWARE.index("aux.users.middleware.UserLanguageMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:position],
        f"{__name__}.RaiseInMiddleware",
        *settings.MIDDLEWARE[position:],
    ]
    return Client(raise_request_exception=False)  # the response the user gets, not the raise


MESSAGE = "The service is briefly unavailable and nothing was saved."


@pytest.mark.parametrize("outage", ["db-operational", "db-interface", "redis", "broker"])
def test_a_lost_connection_in_a_middleware_is_a_503_page_with_retry_after(
    client_seeing_errors, outage
):
    response = client_seeing_errors.get("/briefs/", headers={"X-Raise": outage})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Briefly unavailable" in page and MESSAGE in page


def test_a_lost_database_connection_in_a_middleware_is_the_api_error_shape_under_api(
    client_seeing_errors,
):
    response = client_seeing_errors.post(
        "/api/v1/offers/", {"brief": 1}, content_type="application/json",
        headers={"X-Raise": "db-operational"},
    )  # fmt: skip

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == {}
    assert body["detail"].startswith(MESSAGE)


def test_the_503_speaks_the_visitors_language(client_seeing_errors):
    response = client_seeing_errors.get(
        "/briefs/", headers={"X-Raise": "db-operational", "Accept-Language": "fr"}
    )

    assert response.status_code == 503
    page = html.unescape(response.content.decode())
    assert "Momentanément indisponible" in page and "rien n'a été enregistré" in page


@pytest.mark.parametrize("bug", ["integrity", "bug"])
def test_any_other_error_is_still_a_500_without_retry_after(client_seeing_errors, bug):
    response = client_seeing_errors.get("/api/v1/offers/", headers={"X-Raise": bug})

    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    # Under /api/ in the one JSON error shape (aux/api/middleware.py), never an HTML page.
    assert response.json() == {"detail": "Server error: please try again later.", "errors": {}}
