"""Redis down: a real gunicorn whose REDIS_URL points at a port where nothing listens (cache,
throttles and the Celery broker all unreachable). Pages still render, a write whose follow-up
task cannot be queued still succeeds at once (the task is logged, then picked up by the
payments sweep once Redis is back), and /healthz answers 503 naming Redis."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from campaigns.bookings import services as bookings
from payments import services
from payments.models import LedgerEntry, Payout
from tests.campaigns.factories import booking_brief
from tests.integration.faults_site import call, free_port, gunicorn
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_without_redis(stripe_api, tmp_path):
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        pytest.skip("runs against the PostgreSQL of scripts/test.sh")
    log = tmp_path / "gunicorn.log"
    with gunicorn(
        database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        log=log, STRIPE_API_BASE=stripe_api,
    ) as base:  # fmt: skip
        yield base, log


def test_with_redis_down_pages_render_and_healthz_is_503_naming_redis(site_without_redis):
    base, _log = site_without_redis
    manager, artist, contract = signed_contract()
    brief = booking_brief(manager.memberships.get().brand, social=True)
    client = Client()
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}

    # One untimed request first: the worker's first answer also pays for lazy imports, template
    # compilation and its first database connection (up to 3.5 s on a busy machine), which is
    # not what this test measures.
    assert call(base, "/")[0] == 200
    for path, headers in [
        ("/", {}), ("/artists/", {}), (f"/artists/{artist.slug}/", {}),
        ("/api/v1/artists/", {}),  # anonymous API: its throttle uses the cache
        (f"/briefs/{brief.pk}/", cookie), (f"/bookings/contracts/{contract.pk}/", cookie),
    ]:  # fmt: skip
        status, _body, seconds = call(base, path, headers=headers)
        assert status == 200, path
        assert seconds < 3, f"{path} took {seconds:.1f} s"

    status, body, seconds = call(base, "/healthz")
    assert status == 503 and seconds < 5
    assert '"cache"' in body and '"broker"' in body and "Redis unreachable" in body
    assert "redis broker unreachable" in body


def test_with_redis_down_an_approval_succeeds_and_its_payout_is_queued_by_the_sweep_later(
    site_without_redis,
):
    base, log = site_without_redis
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    token = Token.objects.create(user=manager)

    status, body, seconds = call(base, f"/api/v1/milestones/{m.pk}/approve/", method="POST",
                                 headers={"Authorization": f"Token {token.key}"})  # fmt: skip
    assert status == 200, body
    assert seconds < 5  # the dispatch gave up quickly instead of hanging on the broker
    m.refresh_from_db()
    assert m.status == "approved" and not Payout.objects.filter(milestone=m).exists()
    assert "task not queued: payments.pay_milestone" in log.read_text()

    # Redis is back (this test process sends tasks eagerly): the periodic sweep finds the
    # approved, unpaid deliverable and pays it, once.
    assert services.payments_sweep(older_than_minutes=0) >= 1
    services.payments_sweep(older_than_minutes=0)
    payout = Payout.objects.get(milestone=m)
    assert payout.status == Payout.Status.SENT
    assert LedgerEntry.objects.filter(contract=contract, account="artist_paid").count() == 1
