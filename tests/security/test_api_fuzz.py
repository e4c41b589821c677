"""Bounded API fuzzing: schemathesis generates requests from /api/schema/ and runs every check.

In-process (WSGI, no server), authenticated with a real API token (POST /api/v1/auth/token/) as
an artist and as a brand owner, on the permission-matrix world. Positive and negative data,
every built-in check (no 5xx, status codes documented, responses match their schema, bad data
rejected, good data accepted, ...). The longer run is this test with AUX_FUZZ_MAX_EXAMPLES=100
AUX_FUZZ_COVERAGE=1 (see below); a run against gunicorn with the CLI is in SECURITY.md.
"""

import io
import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from aux.wsgi import application
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)
from tests.security.world import build_world
from tests.users.factories import PASSWORD

# The longer run is the same test with more examples and the coverage phase:
#   AUX_FUZZ_MAX_EXAMPLES=100 AUX_FUZZ_COVERAGE=1 scripts/test.sh tests/security/test_api_fuzz.py
MAX_EXAMPLES = int(os.environ.get("AUX_FUZZ_MAX_EXAMPLES", "3"))
COVERAGE = os.environ.get("AUX_FUZZ_COVERAGE") == "1"

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
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/schema/", counting_application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    # No random session cookie next to the real token: the auth checks then test the token.
    with_security_parameters=False,
)
# The coverage phase (every boundary value of every field, thousands of cases) is part of the
# longer run only (AUX_FUZZ_COVERAGE=1); the bounded run here generates and mutates at random.
schema.config.phases.coverage.enabled = COVERAGE
schema.config.seed = 2026
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


COUNTS = {"cases": 0}

# What the fuzzer still finds, per operation, with the check that fails. Each is a rule the
# schema cannot state (it depends on rows of the database or on the caller), none a 5xx or an
# auth leak; the rest of the schema states the validation (aux/api/schema.py).
TAXONOMY = (
    "ST202: genre/mood/deliverable values are taxonomy slugs, rows of the database (listed by "
    "GET /api/v1/taxonomy/), so the schema cannot enumerate them; an unknown one is a 400"
)
FILES = (
    "ST202: attached files are checked by content (images re-encoded, PDFs by magic bytes); "
    "random bytes sent as a schema `binary` are refused with a 400"
)
URLS = (
    "ST201/ST108 (longer run): Django's URLValidator accepts some strings that are not RFC 3986 "
    "URIs (a bad %-escape or a quote in the fragment), which the schema's `uri` format refuses"
)
KNOWN_FAILING: dict[str, str] = {
    "GET /api/v1/artists/": TAXONOMY,
    "PATCH /api/v1/artists/me/": TAXONOMY + "; the profile service also reads language and "
    "country codes case-insensitively, refuses an entry listed twice and shares adding up to "
    "more than 1",
    "POST /api/v1/contracts/{id}/sign/": "ST202: `full_name` must equal the signer's account "
    "name (a rule on the caller's data, not on the input's shape)",
    "POST /api/v1/offers/{id}/counter/": "ST202: a counter-offer must change a fee, a date or "
    "a term of the offer's current revision (a rule on stored data)",
    "PATCH /api/v1/briefs/{id}/": "ST202: ranges (budget, dates, ages) are checked against the "
    "brief's stored values when only one end is sent",
    "POST /api/v1/offers/{id}/messages/": FILES,
    "POST /api/v1/artists/me/payouts/onboard/": URLS,
    "POST /api/v1/brands/": URLS,
    "POST /api/v1/milestones/{id}/submit/": FILES,
}


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    print(f"\nschemathesis bounded run: {COUNTS['cases']} generated cases, "
          f"{REQUESTS['count']} requests")  # fmt: skip


@pytest.fixture(autouse=True)
def _known_failing(request):
    label = getattr(request.node, "callspec", None) and request.node.name
    for operation, reason in KNOWN_FAILING.items():
        if label and f"[{operation}]" in label:
            # Not strict: with 3 examples these operations seldom meet their failing input (an
            # XPASS in the bounded run; they fail in the longer run), and schemathesis' pytest
            # plugin crashes (INTERNALERROR) on an XPASS(strict).
            request.node.add_marker(pytest.mark.xfail(reason=reason, strict=False))


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
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the bounded run stays short
)
def test_api_answers_every_generated_request_as_its_schema_says(
    case, role, tokens, wsgi_keeps_connection
):
    COUNTS["cases"] += 1
    # Passed as the run's own credentials (not written into the case), schemathesis knows they
    # are real: its auth checks then replay the request without them, and with broken ones.
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=ALL_CHECKS)
