"""The money path with a real Celery worker, Redis and the fake Stripe over HTTP (no mocks).

The worker is a separate process on the test database; it reaches the same fake Stripe because
scripts/test.sh exports STRIPE_API_BASE before pytest starts (the worker inherits it).
"""

import os
import threading
import time

import pytest
from django.db import close_old_connections

from campaigns.bookings import services as bookings
from payments import services
from payments import stripe_gateway as gateway
from payments.models import LedgerEntry, Payout, Refund
from payments.services import contract_balances, ledger_totals
from payments.tasks import pay_milestone
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import (
    stripe_api_fixture,  # noqa: F401
    stripe_post,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_stripe(stripe_api, real_broker):
    if os.environ.get("AUX_TEST_STRIPE_API_BASE") != stripe_api:
        pytest.skip("the worker needs the fake Stripe started by scripts/test.sh")
    yield stripe_api
    # Let the worker finish what the test queued (contract PDFs...) before the database is
    # flushed: the solo worker runs tasks in order, so once a ping returns it is idle.
    from aux.celery import ping

    ping.delay().get(timeout=30)


def _wait(predicate, timeout: float = 30.0) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.02)
    return time.monotonic() - start


def _submit(artist, m):
    bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                              disclosure_confirmed=True)  # fmt: skip


def test_full_money_path_with_a_real_worker_pays_within_seconds(worker_stripe):
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    first, second = contract.milestones.order_by("pk")
    timings = []
    for m in (first, second):
        _submit(artist, m)
        approved = time.monotonic()
        bookings.milestone_approve(actor=manager, milestone=m)
        _wait(lambda m=m: Payout.objects.filter(milestone=m, status="sent").exists())
        timings.append(time.monotonic() - approved)
    print(f"\napproval → transfer created and recorded (real worker): "
          f"{', '.join(f'{t * 1000:.0f} ms' for t in timings)}")  # fmt: skip
    payouts = Payout.objects.filter(contract=contract)
    assert payouts.count() == 2
    transfers = [gateway.transfer_retrieve(p.stripe_transfer_id) for p in payouts]
    assert sorted(t["amount"] for t in transfers) == sorted([first.amount, second.amount])
    assert {t["destination"] for t in transfers} == {artist.user.payment_account.stripe_account_id}
    b = contract_balances(contract=contract)
    assert b["escrow"] == 0 and b["artist_paid"] == contract.total
    assert b["platform_fee"] == payment.fee and ledger_totals() == {contract.currency: 0}
    assert services.reconcile() == []
    assert max(timings) < 10


def test_the_payout_task_run_5_times_and_concurrently_makes_one_transfer(worker_stripe):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    _submit(artist, m)
    bookings.milestone_approve(actor=manager, milestone=m)  # enqueues once (after commit)
    results = [pay_milestone.delay(m.pk) for _ in range(5)]

    def in_thread():
        close_old_connections()
        try:
            services.milestone_pay(milestone_id=m.pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=in_thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        r.get(timeout=30)
    payouts = Payout.objects.filter(milestone=m)
    assert payouts.count() == 1 and payouts.get().status == "sent"
    account = artist.user.payment_account.stripe_account_id
    import stripe  # only to list what the fake Stripe holds, as Stripe's dashboard would

    client = stripe.StripeClient("sk_test_local", base_addresses={"api": worker_stripe})
    transfers = client.v1.transfers.list(params={"destination": account}).data
    assert [t.amount for t in transfers] == [m.amount]
    assert LedgerEntry.objects.filter(contract=contract, account="artist_paid").count() == 1


def test_a_5xx_from_stripe_is_retried_by_the_worker_and_pays_once(worker_stripe):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    m = contract.milestones.order_by("pk").first()
    _submit(artist, m)
    stripe_post(worker_stripe, "/_config/faults", {"path": "/v1/transfers", "count": 2})
    bookings.milestone_approve(actor=manager, milestone=m)
    _wait(lambda: Payout.objects.filter(milestone=m, status="sent").exists(), timeout=60)
    payout = Payout.objects.get(milestone=m)
    assert payout.attempts >= 3 and payout.status == "sent"


def test_refund_after_one_of_two_milestones_paid_returns_the_exact_rest(worker_stripe):
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    first, second = contract.milestones.order_by("pk")
    _submit(artist, first)
    bookings.milestone_approve(actor=manager, milestone=first)
    _wait(lambda: Payout.objects.filter(milestone=first, status="sent").exists())
    _submit(artist, second)
    dispute = bookings.dispute_open(actor=manager, milestone=second, reason="not delivered")
    from tests.users.factories import UserFactory

    staff = UserFactory(role="staff", is_staff=True)
    bookings.dispute_resolve(actor=staff, dispute=dispute, decision="cancel",
                             decision_text="refund the brand")  # fmt: skip
    _wait(lambda: Refund.objects.filter(contract=contract, status="succeeded").exists())
    refund = Refund.objects.get(contract=contract)
    expected_fee = (payment.fee * second.amount * 2 + payment.amount) // (2 * payment.amount)
    assert (refund.amount, refund.fee_amount) == (second.amount, expected_fee)
    stripe_refund = gateway.refund_retrieve(refund.stripe_refund_id)
    assert stripe_refund["amount"] == second.amount + expected_fee
    b = contract_balances(contract=contract)
    assert b["escrow"] == 0 and b["artist_paid"] == first.amount
    assert b["refunds"] == second.amount + expected_fee
    assert b["platform_fee"] == payment.fee - expected_fee
    assert ledger_totals() == {contract.currency: 0}
