"""Random sequences of fund / approve / submit / refund / cancel / settle on a contract keep the
ledger's invariants.

The contract's artist asks for a 25% deposit on live work: the deposit is paid once on funding
(a replayed funding or deposit task pays nothing more), each deliverable pays its fee minus its
deposit part, no refund ever takes the deposit back, and a settlement by the cancellation terms
(either side, amount pre-filled) keeps the same books.

A hypothesis state machine drives the real services against the fake Stripe over HTTP (eager
tasks, so approvals and settlements pay, and cancellations and settlements refund, at once).
After every step: escrow never negative, paid out ≤ funded, every currency's entries sum to
zero and the money is conserved (escrow + paid + refunded = funded); at the end of each
sequence, Stripe holds exactly the transfers and refunds the ledger says.
Kept small (a few examples of a few steps) so it runs in well under a minute.
"""

import pytest
import stripe
from django.conf import settings as dj_settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from aux.errors import ApplicationError
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract, Milestone
from payments import services
from payments.models import Payment, Payout, Refund
from payments.services import contract_balances, ledger_totals
from payments.services.payouts import milestone_payable

from .factories import fund, signed_contract

pytestmark = pytest.mark.django_db(transaction=True)


class LedgerMachine(RuleBasedStateMachine):
    """One fresh signed contract (two deliverables, artist onboarded) per example."""

    def __init__(self):
        super().__init__()
        self.manager, self.artist, self.contract = signed_contract(deposit_bps=2_500)
        self.refunds = 0

    def _contract(self) -> Contract:
        return Contract.objects.get(pk=self.contract.pk)

    def _payment(self) -> Payment | None:
        return services.contract_funded_payment(self._contract())

    @precondition(lambda self: self._payment() is None)
    @rule()
    def fund(self):
        try:
            fund(self.manager, self._contract())
        except ApplicationError:
            assert self._contract().status != Contract.Status.ACTIVE  # only a cancelled one refuses

    @precondition(lambda self: self._payment() is not None)
    @rule(data=st.data())
    def submit_and_approve(self, data):
        pending = list(
            self._contract().milestones.filter(status=Milestone.Status.PENDING).order_by("pk")
        )
        if not pending:
            return
        m = data.draw(st.sampled_from(pending), label="milestone")
        try:
            bookings.milestone_submit(actor=self.artist.user, milestone=m, note="done",
                                      disclosure_confirmed=True)  # fmt: skip
            bookings.milestone_approve(actor=self.manager, milestone=m)
        except ApplicationError:
            assert self._contract().status != Contract.Status.ACTIVE

    @precondition(lambda self: self._payment() is not None)
    @rule(amount=st.integers(min_value=1, max_value=400_000))
    def refund(self, amount):
        self.refunds += 1
        services.refund_issue(contract_id=self.contract.pk, key=f"sm-{self.refunds}",
                              reason="state machine", amount=amount)  # fmt: skip

    @precondition(lambda self: self._payment() is not None)
    @rule()
    def cancel(self):
        try:
            bookings.contract_cancel(actor=self.manager, contract=self._contract(), reason="x")
            bookings.contract_cancel(actor=self.artist.user, contract=self._contract(), reason="y")
        except ApplicationError:
            # Refused once a deliverable is approved (or when already cancelled): nothing moves.
            pass

    @precondition(lambda self: self._payment() is not None)
    @rule(data=st.data())
    def submit_one(self, data):
        """The artist hands in one pending deliverable (a settlement then decides it)."""
        pending = list(
            self._contract().milestones.filter(status=Milestone.Status.PENDING).order_by("pk")
        )
        if not pending:
            return
        m = data.draw(st.sampled_from(pending), label="submitted")
        try:
            bookings.milestone_submit(actor=self.artist.user, milestone=m, note="done",
                                      disclosure_confirmed=True)  # fmt: skip
        except ApplicationError:
            assert self._contract().status != Contract.Status.ACTIVE

    @precondition(lambda self: self._payment() is not None)
    @rule(share=st.integers(min_value=0, max_value=110), twice=st.booleans())
    def settle(self, share, twice):
        """A settlement for `share`% of what the escrow may still give (above 100: refused),
        accepted (twice when `twice`: the second is refused and moves nothing)."""
        contract = self._contract()
        try:
            limit = bookings.settlement_limit(contract=contract)
            proposal = bookings.settlement_propose(
                actor=self.manager, contract=contract, artist_amount=limit * share // 100
            )
            bookings.settlement_accept(actor=self.artist.user, settlement=proposal)
        except (ApplicationError, ValidationError):
            # Refused: cancelled or decided already, or more than the escrow holds.
            return
        if twice:
            with pytest.raises(ApplicationError):
                bookings.settlement_accept(actor=self.artist.user, settlement=proposal)

    @precondition(lambda self: self._payment() is not None)
    @rule(side=st.sampled_from(["brand", "artist"]))
    def settle_by_terms(self, side):
        """A side ends the contract with the amount its cancellation terms call for."""
        user = self.manager if side == "brand" else self.artist.user
        other = self.artist.user if side == "brand" else self.manager
        try:
            proposal = bookings.settlement_propose(actor=user, contract=self._contract())
            bookings.settlement_accept(actor=other, settlement=proposal)
        except (ApplicationError, ValidationError):
            return

    @precondition(lambda self: self._payment() is not None)
    @rule()
    def pay_again(self):
        for m in self._contract().milestones.filter(status__in=["approved", "paid"]):
            services.milestone_pay(milestone_id=m.pk)
        # A replayed funding (a retried webhook) and a second deposit task pay nothing more.
        services.payment_succeeded(payment=self._payment())
        services.deposit_pay(contract_id=self.contract.pk)

    @invariant()
    def ledger_invariants_hold(self):
        contract = self._contract()
        b = contract_balances(contract=contract)
        payment = self._payment()
        funded = payment.amount if payment else 0
        refunded = (
            Refund.objects.filter(contract=contract, status="succeeded").aggregate(
                a=Sum("amount"), f=Sum("fee_amount")
            )
        )  # fmt: skip
        refunded_amount, refunded_fee = refunded["a"] or 0, refunded["f"] or 0
        assert b["escrow"] >= 0
        assert b["artist_paid"] <= funded
        assert b["platform_fee"] >= 0
        assert all(total == 0 for total in ledger_totals().values())
        assert b["escrow"] + b["artist_paid"] + refunded_amount == funded
        assert b["refunds"] == refunded_amount + refunded_fee
        assert contract.funded == (payment is not None)
        if payment is None:
            assert not Payout.objects.filter(contract=contract).exists()
            return
        # The deposit: paid once, in full, on funding; never refunded.
        deposit = Payout.objects.filter(contract=contract, milestone__isnull=True)
        assert deposit.filter(status="sent").aggregate(s=Sum("amount"))["s"] == (
            contract.deposit_amount
        )
        assert refunded_amount <= funded - contract.deposit_amount
        # Each deliverable pays its (approved) amount minus its deposit part, once.
        for m in contract.milestones.filter(status__in=["approved", "paid"]):
            sent = m.payouts.filter(status="sent").aggregate(s=Sum("amount"))["s"] or 0
            assert sent == (milestone_payable(m) if m.status == "paid" else sent)
            assert sent <= milestone_payable(m) <= m.amount - m.deposit_amount

    def teardown(self):
        """Stripe agrees with the books at the end of each sequence: the transfers and the refunds
        are exactly ours (read once per example, not after every step: listing objects on the
        fake Stripe is the slow part of this test)."""
        contract = self._contract()
        payment = self._payment()
        if payment is None:
            return
        b = contract_balances(contract=contract)
        refunded = Refund.objects.filter(contract=contract, status="succeeded").aggregate(
            a=Sum("amount"), f=Sum("fee_amount")
        )
        refunded_amount, refunded_fee = refunded["a"] or 0, refunded["f"] or 0
        client = stripe.StripeClient(
            dj_settings.STRIPE_SECRET_KEY,
            max_network_retries=0,
            base_addresses={"api": dj_settings.STRIPE_API_BASE},
        )
        account = self.artist.user.payment_account.stripe_account_id
        transfers = client.v1.transfers.list(params={"destination": account}).data
        sent = Payout.objects.filter(contract=contract, status="sent")
        assert sorted(t.id for t in transfers) == sorted(p.stripe_transfer_id for p in sent)
        assert sum(t.amount for t in transfers) == b["artist_paid"]
        intent = client.v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
        stripe_refunded = sum(
            r.amount for r in client.v1.refunds.list(params={"payment_intent": intent.id}).data
        )
        assert stripe_refunded == refunded_amount + refunded_fee


def test_random_fund_approve_refund_cancel_settle_sequences_keep_the_ledger_invariants(
    stripe_api,
):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=10, stateful_step_count=8, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )  # fmt: skip
