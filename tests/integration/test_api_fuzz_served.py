"""The bounded API fuzz against the site served by gunicorn, as a client sees it over HTTP.

Same schema, generation, checks and known failures as the in-process run
(tests/security/fuzzing.py), on the permission-matrix world committed to the test database, with
real API tokens of an artist and a brand owner. Tasks run eagerly in the server (no broker: none
is queued for a later test's worker); the server's throttles are raised, they have their own tests.
"""

import json

import pytest
import requests
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)
from tests.security.fuzzing import (  # noqa: F401 (known_failing: an autouse fixture)
    ALL_CHECKS,
    BOUNDED,
    configure,
    known_failing,
    record_status,
)
from tests.security.world import build_world
from tests.users.factories import PASSWORD

from .faults_site import call, gunicorn

# The document the server publishes at /api/schema/, built here so that the tests can be
# generated at collection time, before any server runs.
_document = OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
connections.close_all()  # opened on the main database; the tests get the test database's
schema = configure(schemathesis.openapi.from_dict(json.loads(_document)))

# The mark makes pytest-django set up the test database even when this module runs alone; the
# world itself is committed by the module fixture, outside any test's transaction.
pytestmark = pytest.mark.django_db

UNLIMITED = "1000000/min"
COUNTS = {"cases": 0}


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, stripe_api, tmp_path_factory):
    """gunicorn on the test database with the world committed to it; flushed afterwards, as a
    transactional test is."""
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        pytest.skip("runs against the PostgreSQL of scripts/test.sh")
    tmp = tmp_path_factory.mktemp("fuzz-served")
    with django_db_blocker.unblock():
        world = build_world()
    try:
        with gunicorn(
            database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            redis_url="", log=tmp / "gunicorn.log", STRIPE_API_BASE=stripe_api,
            MEDIA_ROOT=str(tmp / "media"), DEBUG="0", SECRET_KEY="fuzz-" + "x" * 45,
            SECURE_SSL_REDIRECT="0", ALLOWED_HOSTS="127.0.0.1", AUX_THROTTLE_TOKEN=UNLIMITED,
            AUX_THROTTLE_OFFERS=UNLIMITED, AUX_THROTTLE_MESSAGES=UNLIMITED,
        ) as base:  # fmt: skip
            tokens = {}
            for role, user in [("artist", world.artist_a.user), ("owner", world.owner_a)]:
                status, body, _ = call(
                    base, "/api/v1/auth/token/", method="POST",
                    data={"email": user.email, "password": PASSWORD},
                )  # fmt: skip
                assert status == 200, body
                tokens[role] = json.loads(body)["token"]
            yield base, tokens
            print(f"\nschemathesis run against gunicorn: {COUNTS['cases']} generated cases")
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("role", ["artist", "owner"])
@schema.parametrize()
@BOUNDED
def test_the_served_api_answers_every_generated_request_as_its_schema_says(case, role, served):
    base, tokens = served
    COUNTS["cases"] += 1
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, *args, **kwargs: record_status(
            r.request.method, r.request.path_url, r.status_code
        )
    )
    case.call_and_validate(
        base_url=base,
        session=session,
        headers={"Authorization": f"Token {tokens[role]}"},
        checks=ALL_CHECKS,
    )
