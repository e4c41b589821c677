"""A worker killed while paying out, then replaced, pays exactly once (acks_late + idempotency).

Two real `celery worker` processes in turn, on a queue of their own (so the session's worker of
the other integration tests never takes the task). The fake Stripe creates the transfer and then
holds its answer for a few seconds (its /_config/latency hook); the first worker is SIGKILLed in
that window, so Stripe has the transfer and our database does not know it. The message was not
acknowledged (acks_late), so the second worker gets it again (Redis visibility timeout, short for
it) and repeats the call with the same idempotency key: Stripe replays the first transfer, and
the payout is recorded once.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import stripe
from django.conf import settings

from campaigns.bookings import services as bookings
from payments.models import LedgerEntry, Payout
from payments.services import contract_balances, ledger_totals
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture, stripe_post  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "aux-payout-kill-test"
# The worker, with Redis transport options of our choosing (the app's are the settings').
WORKER = """
import sys
from aux.celery import app
app.conf.broker_transport_options = {
    "visibility_timeout": float(sys.argv[1]),
    "unacked_restore_interval": 0.5, "unacked_restore_throttle": 1,
}
app.worker_main(["worker", "--pool=solo", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--loglevel=WARNING", "-Q", sys.argv[2],
                 "-n", sys.argv[3]])
"""


def _worker(name: str, visibility_timeout: float) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            if "postgresql" in db["ENGINE"]
            else f"sqlite:///{db['NAME']}"
        ),
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(visibility_timeout), QUEUE, f"{name}-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def _payouts_routed_to(queue: str):
    """Send payments.pay_milestone (as the approval enqueues it) to `queue`, then restore."""
    from aux.celery import app

    previous = (app.conf.task_routes, app.conf.task_always_eager)
    app.conf.task_routes = {"payments.pay_milestone": {"queue": queue}}
    app.conf.task_always_eager = False
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # the cached Router holds the old routes
    try:
        yield
    finally:
        app.conf.task_routes, app.conf.task_always_eager = previous
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_payout_and_replaced_pays_exactly_once(stripe_api):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: run with scripts/test.sh")
    if os.environ.get("AUX_TEST_STRIPE_API_BASE") != stripe_api:
        pytest.skip("the workers need the fake Stripe started by scripts/test.sh")
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    account = artist.user.payment_account.stripe_account_id
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_api},
                                 max_network_retries=0)  # fmt: skip

    def transfers():
        return client.v1.transfers.list(params={"destination": account}).data

    # The next transfer is created at once but answered 8 s late.
    stripe_post(stripe_api, "/_config/latency", {"path": "/v1/transfers", "seconds": 8})
    first = _worker("kill-first", visibility_timeout=3600)
    second = None
    try:
        with _payouts_routed_to(QUEUE):
            bookings.milestone_approve(actor=manager, milestone=m)  # enqueues after commit
        _wait(lambda: len(transfers()) == 1, 30, "the first worker's transfer on Stripe")
        assert Payout.objects.get(milestone=m).status == Payout.Status.PENDING  # not known yet
        os.killpg(first.pid, signal.SIGKILL)  # mid-call: Stripe has it, we do not
        first.wait(timeout=10)
        assert Payout.objects.get(milestone=m).status == Payout.Status.PENDING
        killed = time.monotonic()
        # The replacement sees the unacknowledged message once it is 1 s old.
        second = _worker("kill-second", visibility_timeout=1)
        _wait(lambda: Payout.objects.filter(milestone=m, status="sent").exists(), 60,
              "the second worker to record the payout")  # fmt: skip
        print(f"\nworker killed mid-payout → payout recorded by its replacement in "
              f"{time.monotonic() - killed:.1f} s")  # fmt: skip
    finally:
        for proc in (first, second):
            if proc is not None:
                _stop(proc)
    payout = Payout.objects.get(milestone=m)
    assert payout.attempts == 2  # the call was made again, and Stripe replayed it
    assert [t.id for t in transfers()] == [payout.stripe_transfer_id]
    assert transfers()[0].amount == m.amount == payout.amount
    assert LedgerEntry.objects.filter(contract=contract, account="artist_paid").count() == 1
    assert contract_balances(contract=contract)["artist_paid"] == m.amount
    assert ledger_totals() == {contract.currency: 0}
