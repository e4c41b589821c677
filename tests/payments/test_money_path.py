"""The money path through the services, against the fake Stripe over HTTP (no mocks)."""

import pytest
from django.core.exceptions import ValidationError

from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.notifications.models import Notification
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Milestone
from payments import services, stripe_gateway
from payments.models import LedgerEntry, Payment, Payout, Refund
from payments.services import contract_balances, ledger_totals
from tests.users.factories import UserFactory

from .factories import fund, onboard, signed_contract

pytestmark = pytest.mark.django_db(transaction=True)


def _approve_all(manager, artist, contract, capture):
    for m in contract.milestones.order_by("pk"):
        bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                                  disclosure_confirmed=True)  # fmt: skip
        bookings.milestone_approve(actor=manager, milestone=m)


def test_funding_escrows_the_total_and_books_the_fee(stripe_api):
    manager, _artist, contract = signed_contract()
    quote = services.contract_funding_quote(contract=contract)
    assert quote["fee"] == contract.total // 10 and quote["gross"] == contract.total + quote["fee"]
    payment = fund(manager, contract)
    contract.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and contract.funded
    b = contract_balances(contract=contract)
    assert b["escrow"] == contract.total and b["platform_fee"] == quote["fee"]
    assert b["brand_cash"] == -quote["gross"] and ledger_totals() == {contract.currency: 0}


def test_a_contract_cannot_be_funded_before_the_artist_set_up_payouts(stripe_api):
    manager, artist, contract = signed_contract(onboarded=False)
    with pytest.raises(ConflictError, match="payouts"):
        services.payment_start(actor=manager, contract=contract)
    onboard(artist.user)
    assert fund(manager, contract).status == Payment.Status.SUCCEEDED


def test_only_brand_owners_and_managers_fund(stripe_api):
    from tests.brands.factories import MembershipFactory

    _manager, artist, contract = signed_contract()
    viewer = MembershipFactory(brand=contract.brand, role="viewer").user
    with pytest.raises(PermissionDeniedError):
        services.payment_start(actor=viewer, contract=contract)
    with pytest.raises(NotFoundError):
        services.payment_start(actor=artist.user, contract=contract)


def test_a_declined_card_leaves_the_contract_unfunded_and_a_new_attempt_works(stripe_api):
    manager, _artist, contract = signed_contract()
    with pytest.raises(stripe_gateway.PaymentRejectedError, match="declined"):
        fund(manager, contract, card="pm_card_chargeCustomerFail")
    contract.refresh_from_db()
    assert not contract.funded and LedgerEntry.objects.count() == 0
    assert fund(manager, contract).status == Payment.Status.SUCCEEDED
    assert Payment.objects.filter(contract=contract).count() == 2


def test_unfunded_deliverables_cannot_be_submitted(stripe_api):
    _manager, artist, contract = signed_contract()
    with pytest.raises(ConflictError, match="not funded"):
        bookings.milestone_submit(actor=artist.user, milestone=contract.milestones.first(),
                                  note="x", disclosure_confirmed=True)  # fmt: skip


def test_approving_both_milestones_pays_two_transfers_and_empties_escrow(
    stripe_api,
    django_capture_on_commit_callbacks,
):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        _approve_all(manager, artist, contract, None)
    payouts = list(Payout.objects.filter(contract=contract))
    assert len(payouts) == 2 and all(p.status == "sent" and p.stripe_transfer_id for p in payouts)
    assert sum(p.amount for p in payouts) == contract.total
    assert set(contract.milestones.values_list("status", flat=True)) == {Milestone.Status.PAID}
    b = contract_balances(contract=contract)
    assert b["escrow"] == 0 and b["artist_paid"] == contract.total
    assert ledger_totals() == {contract.currency: 0}
    told = Notification.objects.filter(recipient=artist.user)
    assert told.filter(kind="contract.funded").count() == 1
    assert told.filter(kind="payout.sent").count() == 2
    assert Notification.objects.filter(kind="contract.funded", recipient=manager).exists()


def test_running_the_payout_again_never_pays_twice(stripe_api, django_capture_on_commit_callbacks):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        _approve_all(manager, artist, contract, None)
    m = contract.milestones.first()
    for _ in range(5):
        services.milestone_pay(milestone_id=m.pk)
    assert Payout.objects.filter(milestone=m).count() == 1
    assert LedgerEntry.objects.filter(account="artist_paid", contract=contract).count() == 2
    assert Notification.objects.filter(kind="payout.sent", recipient=artist.user).count() == 2


def test_a_split_pays_each_payee_their_share_to_the_cent(
    stripe_api,
    django_capture_on_commit_callbacks,
):
    from campaigns.bookings.services import contract_sign, offer_accept
    from tests.brands.factories import MembershipFactory
    from tests.campaigns.factories import booking_artist, booking_brief, make_offer

    artist = booking_artist()
    producer, drummer = UserFactory(), UserFactory()
    for u in (artist.user, producer, drummer):
        onboard(u)
    split = services.split_propose(actor=artist.user, artist=artist, payees=[
        {"user": artist.user, "share_bps": 3334}, {"user": producer, "share_bps": 3333},
        {"user": drummer, "share_bps": 3333},
    ])  # fmt: skip
    assert split.status == "proposed"
    services.split_confirm(actor=producer, split=split)
    services.split_confirm(actor=drummer, split=split)
    split.refresh_from_db()
    assert split.status == "active"
    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand)
    offer = make_offer(actor=manager, brief=brief, artist=artist)
    contract = offer_accept(actor=artist.user, offer=offer).contract
    contract_sign(actor=manager, contract=contract, full_name=manager.name, confirm=True)
    contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True)
    assert contract.payees.count() == 3
    fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        _approve_all(manager, artist, contract, None)
    m = contract.milestones.get()
    parts = dict(Payout.objects.filter(milestone=m).values_list("payee_id", "amount"))
    assert sum(parts.values()) == m.amount == 200_000
    assert parts == {artist.user_id: 66_680, producer.pk: 66_660, drummer.pk: 66_660}


def test_split_shares_must_sum_to_10000(stripe_api):
    from tests.campaigns.factories import booking_artist

    artist = booking_artist()
    with pytest.raises(ValidationError):
        services.split_propose(actor=artist.user, artist=artist, payees=[
            {"user": artist.user, "share_bps": 5000}, {"user": UserFactory(), "share_bps": 4999},
        ])  # fmt: skip


def test_cancelling_a_funded_contract_refunds_escrow_and_fee(
    stripe_api,
    django_capture_on_commit_callbacks,
):
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.contract_cancel(actor=manager, contract=contract, reason="budget")
        bookings.contract_cancel(actor=artist.user, contract=contract, reason="ok")
    refund = Refund.objects.get(contract=contract)
    assert (refund.amount, refund.fee_amount, refund.status) == (payment.amount, payment.fee,
                                                                 "succeeded")  # fmt: skip
    b = contract_balances(contract=contract)
    assert b["escrow"] == 0 and b["platform_fee"] == 0 and b["refunds"] == payment.gross


def test_a_partial_dispute_refunds_the_rest_exactly(
    stripe_api,
    django_capture_on_commit_callbacks,
    staff_user,
):
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    first, second = contract.milestones.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=first, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        bookings.milestone_approve(actor=manager, milestone=first)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=second, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        dispute = bookings.dispute_open(actor=manager, milestone=second, reason="late")
    partial = second.amount // 3 + 1
    with django_capture_on_commit_callbacks(execute=True):
        bookings.dispute_resolve(actor=staff_user, dispute=dispute, decision="partial",
                                 decision_text="a third", amount=partial)  # fmt: skip
    refund = Refund.objects.get(contract=contract)
    assert refund.amount == second.amount - partial
    expected_fee = (payment.fee * refund.amount * 2 + payment.amount) // (2 * payment.amount)
    assert refund.fee_amount == expected_fee
    b = contract_balances(contract=contract)
    assert b["artist_paid"] == first.amount + partial and b["escrow"] == 0
    assert b["platform_fee"] == payment.fee - refund.fee_amount
    assert ledger_totals() == {contract.currency: 0}


def test_a_payout_the_escrow_no_longer_covers_fails_before_any_money_moves(
    stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    services.refund_issue(contract_id=contract.pk, key="goodwill", reason="goodwill", amount=1)
    with django_capture_on_commit_callbacks(execute=True):
        _approve_all(manager, artist, contract, None)
    payouts = Payout.objects.filter(contract=contract).order_by("pk")
    assert [p.status for p in payouts] == ["sent", "failed"]
    assert "no longer covers" in payouts[1].failure_message
    assert not payouts[1].stripe_transfer_id
    b = contract_balances(contract=contract)
    assert b["escrow"] >= 0 and ledger_totals() == {contract.currency: 0}


def test_funding_refuses_a_charge_above_what_stripe_accepts_in_one_payment(stripe_api):
    """Offers refuse such totals; a contract that has one anyway is never sent to Stripe."""
    from campaigns.bookings.models import Contract

    manager, _artist, contract = signed_contract()
    Contract.objects.filter(pk=contract.pk).update(total=99_999_999)
    with pytest.raises(ConflictError, match="Stripe"):
        services.payment_start(actor=manager, contract=contract)
    assert not Payment.objects.filter(contract=contract).exists()
