"""The demo's money path (seed_demo through the fake Stripe, devstripe --state across restarts)
and earnings totals per currency."""

import io
import subprocess
import sys
import time
import urllib.request

import pytest
import stripe
from django.core.management import call_command

from campaigns.bookings.models import Contract, Milestone, Offer
from payments.models import Payment, Payout
from payments.selectors import artist_earnings
from payments.services import ledger_totals, reconcile

from .factories import signed_contract
from .stripe_server import ROOT, _answers, _free_port


def _devstripe(port: int, state) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "payments.devstripe", "--port", str(port), "--quiet",
         "--state", str(state)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not _answers(f"http://127.0.0.1:{port}"):
        assert proc.poll() is None and time.monotonic() < deadline, "devstripe did not start"
        time.sleep(0.05)
    return proc


def test_devstripe_with_a_state_file_keeps_objects_and_replays_keys_after_a_restart(tmp_path):
    port, state = _free_port(), tmp_path / "var" / "state.pickle"
    client = stripe.StripeClient("sk_test_local", max_network_retries=0,
                                 base_addresses={"api": f"http://127.0.0.1:{port}"})  # fmt: skip
    proc = _devstripe(port, state)
    try:
        acct = client.v1.accounts.create(params={"type": "express"},
                                         options={"idempotency_key": "acct-1"})  # fmt: skip
        intent = client.v1.payment_intents.create(
            params={"amount": 1234, "currency": "eur", "payment_method_types": ["card"]}
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert state.exists()
    proc = _devstripe(port, state)
    try:
        assert client.v1.accounts.retrieve(acct.id).id == acct.id
        assert client.v1.payment_intents.retrieve(intent.id).amount == 1234
        again = client.v1.accounts.create(params={"type": "express"},
                                          options={"idempotency_key": "acct-1"})  # fmt: skip
        assert again.id == acct.id
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# Transactional: on SQLite a rolled-back test gives its row ids (and so our idempotency keys,
# built from them) to the next test, which the session's fake Stripe would refuse.
@pytest.mark.django_db(transaction=True)
def test_earnings_totals_are_per_currency_never_added_across(stripe_api, client):
    _manager, artist, contract = signed_contract()
    rows = [(100_000, "EUR", "sent"), (50_000, "USD", "sent"), (25_000, "USD", "pending"),
            (7_000, "USD", "failed")]  # fmt: skip
    for i, (amount, currency, status) in enumerate(rows):
        m = Milestone.objects.create(contract=contract, title=f"Part {i}", amount=amount,
                                     currency=currency, status="approved")  # fmt: skip
        Payout.objects.create(
            milestone=m, contract=contract, payee=artist.user, amount=amount,
            currency=currency, status=status, idempotency_key=f"k{i}",
        )  # fmt: skip
    assert artist_earnings(user=artist.user) == [
        {"currency": "EUR", "sent": 100_000, "pending": 0},
        {"currency": "USD", "sent": 50_000, "pending": 25_000},
    ]
    client.force_login(artist.user)
    html = client.get("/payments/earnings/").content.decode()
    assert "Paid out: €1,000 · on its way: €0" in html
    assert "Paid out: $500 · on its way: $250" in html


@pytest.mark.django_db
def test_seed_demo_skips_payments_with_a_message_when_the_fake_stripe_is_down(settings):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "payments (fake Stripe): skipped: the fake Stripe does not answer" in out.getvalue()
    assert Contract.objects.filter(funded=True).exists()  # the deliverables could still move
    assert not Payment.objects.exists() and not Payout.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_funds_and_pays_out_through_the_fake_stripe_and_is_idempotent(stripe_api):
    # A fresh demo database meets a fresh fake Stripe: forget the idempotency keys earlier tests
    # used (SQLite reuses their row ids, and our keys are built from them).
    request = urllib.request.Request(stripe_api + "/_config/idempotency", method="DELETE")  # noqa: S310
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 (loopback)
    call_command("seed_demo", stdout=io.StringIO())
    funded = Contract.objects.filter(funded=True)
    assert funded.count() >= 3
    for contract in funded:
        assert contract.payments.filter(status="succeeded").count() == 1, contract
    approved = Milestone.objects.filter(contract__funded=True, status__in=["approved", "paid"])
    assert approved.exists()
    for m in approved:
        assert m.status == "paid" and m.payouts.filter(status="sent").exists(), m
    # The band with a 25% deposit: an offer under each policy; the strict one funded, its
    # deposit paid at once.
    offers = Offer.objects.filter(artist__user__email="band3@aux.test", artist__deposit_bps=2_500)
    assert {"flexible", "moderate", "strict"} <= set(
        offers.values_list("cancellation_policy", flat=True)
    )
    strict = Contract.objects.get(offer__in=offers, cancellation_policy="strict")
    assert strict.deposit_amount > 0
    assert Payout.objects.get(contract=strict, milestone__isnull=True).status == "sent"
    assert set(ledger_totals().values()) == {0}
    assert reconcile() == []
    counts = (Payment.objects.count(), Payout.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (Payment.objects.count(), Payout.objects.count()) == counts
    assert "contracts paid in" in out.getvalue()
