"""Bounded API fuzzing: schemathesis generates requests from /api/schema/ and runs every check.

In-process (WSGI, no server), authenticated with a real API token (POST /api/v1/auth/token/) as
an artist and as a brand owner, on the permission-matrix world. Positive and negative data,
every built-in check (no 5xx, status codes documented, responses match their schema, bad data
rejected, good data accepted, ...). The longer run is this test with AUX_FUZZ_MAX_EXAMPLES=100
AUX_FUZZ_COVERAGE=1 (tests/security/fuzzing.py); the same run against gunicorn is
tests/integration/test_api_fuzz_served.py.
"""

import io
import json
import re

import pytest
import schemathesis

from aux.wsgi import application
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)
from tests.security.fuzzing import (  # noqa: F401 (known_failing: an autouse fixture)
    ALL_CHECKS,
    BOUNDED,
    SERVER_ERRORS,
    configure,
    known_failing,
    no_server_error_since,
    record_status,
)
from tests.security.world import build_world
from tests.users.factories import PASSWORD

REQUESTS = {"count": 0}


def _end_empty_parts(environ) -> None:
    """werkzeug's test client (schemathesis' WSGI transport) writes an empty multipart value
    without the CRLF that ends it (`name="x"\\r\\n\\r\\n--boundary`), and Django then drops
    the field. Real clients (requests, browsers) write it; so does this, before the app reads."""
    boundary = environ.get("CONTENT_TYPE", "").partition("boundary=")[2].strip('"').encode()
    if not boundary:
        return
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    delimiter = re.escape(b"--" + boundary)
    headers = rb"(\r\nContent-Disposition:[^\r\n]*(?:\r\n[^\r\n]+)*\r\n\r\n)(?=" + delimiter + rb")"
    body = re.sub(headers, rb"\1\r\n", body)
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))


def counting_application(environ, start_response):
    """The app, counting every request schemathesis sends (checks replay some of them)."""
    REQUESTS["count"] += 1
    if environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        _end_empty_parts(environ)

    def recording_start_response(status, headers, exc_info=None):
        record_status(environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status[:3]))
        return start_response(status, headers, exc_info)

    return application(environ, recording_start_response)


schema = configure(schemathesis.openapi.from_wsgi("/api/schema/", counting_application))


COUNTS = {"cases": 0}


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    print(f"\nschemathesis bounded run: {COUNTS['cases']} generated cases, "
          f"{REQUESTS['count']} requests")  # fmt: skip


@pytest.fixture
def wsgi_keeps_connection(tokens):
    """Called straight through WSGI, the app's request signals would close the test's database
    connection (inside its transaction) at each request: Django's test client disconnects the
    same handler for the same reason (and reconnects it after each of its own requests, hence
    after `tokens`)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world_tokens(django_db_setup, django_db_blocker, stripe_api) -> dict[str, str]:
    """The world and two real API tokens, built once for the module inside a transaction rolled
    back at its end (as Django's setUpTestData does); each test runs in a savepoint within it."""
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            client, out = Client(), {}
            for role, user in [("artist", world.artist_a.user), ("owner", world.owner_a)]:
                response = client.post(
                    "/api/v1/auth/token/",
                    json.dumps({"email": user.email, "password": PASSWORD}),
                    content_type="application/json",
                )
                assert response.status_code == 200, response.content
                out[role] = response.json()["token"]
            yield out
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def tokens(db, world_tokens, settings_override) -> dict[str, str]:
    return world_tokens


@pytest.fixture
def settings_override(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Throttles would answer 429 part-way through the run; they are tested on their own.
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(rest.get("DEFAULT_THROTTLE_RATES", {}))
    settings.REST_FRAMEWORK = rest


@pytest.mark.parametrize("role", ["artist", "owner"])
@schema.parametrize()
@BOUNDED
def test_api_answers_every_generated_request_as_its_schema_says(
    case, role, tokens, wsgi_keeps_connection
):
    COUNTS["cases"] += 1
    # Passed as the run's own credentials (not written into the case), schemathesis knows they
    # are real: its auth checks then replay the request without them, and with broken ones.
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=ALL_CHECKS)


def test_a_server_error_fails_the_strict_check_even_where_a_failure_is_known():
    start = len(SERVER_ERRORS)
    record_status("POST", "/api/v1/offers/1/counter/", 500)  # a known-failing operation
    try:
        with pytest.raises(pytest.fail.Exception, match="counter"):
            no_server_error_since(start)
    finally:
        del SERVER_ERRORS[start:]
    record_status("POST", "/api/v1/offers/1/counter/", 400)
    no_server_error_since(start)  # a 4xx is an answer, not a server error
