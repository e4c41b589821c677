"""Mutual settlement of a funded contract (issue 13): one side proposes what the artist is paid
for the work done, the other accepts or declines; on acceptance the artist is paid exactly that
amount through the payout machinery, the rest is refunded once. Against the fake Stripe."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications.models import Notification
from campaigns.bookings import services
from campaigns.bookings.models import Contract, Milestone, Settlement
from payments import services as payments
from payments.models import Payout, Refund
from payments.services import contract_balances, ledger_totals
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

pytestmark = pytest.mark.django_db(transaction=True)


def _submit(artist, milestone):
    services.milestone_submit(actor=artist.user, milestone=milestone, note="Done.",
                              disclosure_confirmed=True)  # fmt: skip


@pytest.fixture
def delivered(stripe_api):
    """A funded contract (two deliverables) whose artist has handed in the first one."""
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    first, second = contract.milestones.order_by("pk")
    _submit(artist, first)
    return manager, artist, Contract.objects.get(pk=contract.pk), payment, first, second


def test_a_settlement_pays_the_artist_exactly_the_agreed_amount_and_refunds_the_rest_once(
    delivered,
):
    manager, artist, contract, payment, first, second = delivered
    amount = first.amount + 12_345  # the first deliverable and part of the second
    proposal = services.settlement_propose(actor=manager, contract=contract, artist_amount=amount,
                                           note="Show done, posts dropped")  # fmt: skip
    services.settlement_accept(actor=artist.user, settlement=proposal)

    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.approved_amount) == (Milestone.Status.PAID, first.amount)
    assert (second.status, second.approved_amount) == (Milestone.Status.PAID, 12_345)
    sent = Payout.objects.filter(contract=contract, status="sent")
    assert sum(p.amount for p in sent) == amount
    refund = Refund.objects.get(contract=contract)
    assert refund.status == "succeeded" and refund.amount == payment.amount - amount
    b = contract_balances(contract=contract)
    assert b["artist_paid"] == amount and b["escrow"] == 0
    assert ledger_totals() == {contract.currency: 0}

    # Accepting again, paying again or sweeping moves no more money.
    with pytest.raises(ConflictError, match="accepted"):
        services.settlement_accept(actor=artist.user, settlement=proposal)
    for m in (first, second):
        payments.milestone_pay(milestone_id=m.pk)
    payments.payments_sweep(older_than_minutes=-60)
    assert Payout.objects.filter(contract=contract).count() == sent.count()
    assert Refund.objects.filter(contract=contract).count() == 1
    assert contract_balances(contract=contract) == b


def test_a_settlement_of_zero_refunds_all_the_unspent_escrow(delivered):
    manager, artist, contract, payment, _first, _second = delivered
    proposal = services.settlement_propose(actor=artist.user, contract=contract, artist_amount=0)
    services.settlement_accept(actor=manager, settlement=proposal)
    assert set(contract.milestones.values_list("status", flat=True)) == {"cancelled"}
    assert not Payout.objects.filter(contract=contract).exists()
    assert Refund.objects.get(contract=contract).amount == payment.amount
    assert contract_balances(contract=contract)["escrow"] == 0


def test_a_settlement_amount_is_between_zero_and_the_unspent_escrow(delivered):
    manager, artist, contract, payment, first, second = delivered
    services.milestone_approve(actor=manager, milestone=first)  # paid out in full at once
    assert services.settlement_limit(contract=contract) == second.amount
    for wrong in (-1, "100", 1.5, True):
        with pytest.raises(ValidationError) as refused:
            services.settlement_propose(actor=manager, contract=contract, artist_amount=wrong)
        assert "artist_amount" in refused.value.message_dict
    with pytest.raises(ConflictError, match="At most") as over:  # the escrow's state: 409
        services.settlement_propose(actor=manager, contract=contract,
                                    artist_amount=second.amount + 1)  # fmt: skip
    assert "artist_amount" in over.value.errors
    proposal = services.settlement_propose(actor=manager, contract=contract,
                                           artist_amount=second.amount)  # fmt: skip
    services.settlement_accept(actor=artist.user, settlement=proposal)
    b = contract_balances(contract=contract)
    assert b["artist_paid"] == payment.amount and b["escrow"] == 0
    assert not Refund.objects.filter(contract=contract).exists()  # nothing left to refund


def test_only_the_other_party_answers_a_settlement(delivered, staff_user):
    manager, _artist, contract, _payment, _first, _second = delivered
    proposal = services.settlement_propose(actor=manager, contract=contract, artist_amount=1000)
    with pytest.raises(ConflictError, match="other side answers"):
        services.settlement_accept(actor=manager, settlement=proposal)
    brand = contract.brand
    for outsider in (MembershipFactory(brand=brand, role="viewer").user, booking_artist().user,
                     MembershipFactory(role="owner").user, staff_user):  # fmt: skip
        with pytest.raises(PermissionDeniedError):
            services.settlement_accept(actor=outsider, settlement=proposal)
        with pytest.raises(PermissionDeniedError):
            services.settlement_propose(actor=outsider, contract=contract, artist_amount=0)
    assert Settlement.objects.get(pk=proposal.pk).status == Settlement.Status.OPEN
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.ACTIVE


def test_a_settlement_proposal_tells_the_other_side_and_a_decline_tells_the_proposer(delivered):
    manager, artist, contract, _payment, _first, _second = delivered
    proposal = services.settlement_propose(actor=manager, contract=contract, artist_amount=5000)
    told = Notification.objects.get(kind="contract.settlement_proposed")
    assert told.recipient == artist.user and "€50" in told.message
    services.settlement_decline(actor=artist.user, settlement=proposal)
    assert Notification.objects.get(kind="contract.settlement_declined").recipient == manager
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.ACTIVE
    with pytest.raises(ConflictError, match="declined"):
        services.settlement_accept(actor=artist.user, settlement=proposal)
    assert not Payout.objects.filter(contract=contract).exists()


def test_a_new_proposal_replaces_the_open_one_which_can_no_longer_be_accepted(delivered):
    manager, artist, contract, _payment, first, _second = delivered
    low = services.settlement_propose(actor=manager, contract=contract, artist_amount=1000)
    high = services.settlement_propose(actor=artist.user, contract=contract,
                                       artist_amount=first.amount)  # fmt: skip
    with pytest.raises(ConflictError, match="replaced"):
        services.settlement_accept(actor=artist.user, settlement=low)
    services.settlement_accept(actor=manager, settlement=high)
    assert contract_balances(contract=contract)["artist_paid"] == first.amount


def test_an_open_settlement_lapses_when_a_deliverable_changes(delivered):
    manager, artist, contract, _payment, _first, second = delivered
    proposal = services.settlement_propose(actor=manager, contract=contract, artist_amount=1000)
    _submit(artist, second)
    assert Settlement.objects.get(pk=proposal.pk).status == Settlement.Status.LAPSED
    with pytest.raises(ConflictError, match="lapsed"):
        services.settlement_accept(actor=artist.user, settlement=proposal)
    assert not Payout.objects.filter(contract=contract).exists()


def test_an_expired_settlement_cannot_be_accepted(delivered, settings):
    manager, artist, contract, _payment, _first, _second = delivered
    settings.AUX_CANCEL_REQUEST_TTL_HOURS = 72
    proposal = services.settlement_propose(actor=manager, contract=contract, artist_amount=1000)
    Settlement.objects.filter(pk=proposal.pk).update(
        created_at=timezone.now() - timedelta(hours=73)
    )
    with pytest.raises(ConflictError, match="expired"):
        services.settlement_accept(actor=artist.user, settlement=proposal)
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.ACTIVE


def test_no_settlement_while_a_dispute_is_open_or_before_funding(delivered, stripe_api):
    manager, artist, contract, _payment, first, _second = delivered
    services.dispute_open(actor=manager, milestone=first, reason="Too short")
    with pytest.raises(ConflictError, match="disputed"):
        services.settlement_propose(actor=artist.user, contract=contract, artist_amount=0)
    manager2, _artist2, unfunded = signed_contract()
    with pytest.raises(ConflictError, match="not funded"):
        services.settlement_propose(actor=manager2, contract=unfunded, artist_amount=0)


# --- the API ---------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_settle_accept_once_and_refuse_unknown_fields(delivered):
    manager, artist, contract, _payment, first, _second = delivered
    url = f"/api/v1/contracts/{contract.pk}/settle/"
    typo = _api(manager).post(url, {"artist_amount": 1000, "amount": 5}, format="json")
    assert typo.status_code == 400 and typo.json()["errors"] == {"amount": ["Unknown field."]}
    too_much = _api(manager).post(url, {"artist_amount": 10**10}, format="json")
    assert too_much.status_code == 409 and "artist_amount" in too_much.json()["errors"]
    negative = _api(manager).post(url, {"artist_amount": -1}, format="json")
    assert negative.status_code == 400 and "artist_amount" in negative.json()["errors"]
    proposed = _api(manager).post(url, {"artist_amount": first.amount, "note": "show only"},
                                  format="json")  # fmt: skip
    assert proposed.status_code == 200, proposed.json()
    settlement = proposed.json()["settlement"]
    assert settlement["status"] == "open" and settlement["proposed_by_side"] == "brand"
    assert settlement["artist_amount"] == first.amount and settlement["expired"] is False
    body = {"settlement": settlement["id"]}
    own = _api(manager).post(f"{url}accept/", body, format="json")
    assert own.status_code == 409
    accepted = _api(artist.user).post(f"{url}accept/", body, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "cancelled"
    again = _api(artist.user).post(f"{url}accept/", body, format="json")
    assert again.status_code == 409
    assert _api(artist.user).post(f"{url}decline/", body, format="json").status_code == 409
    assert contract_balances(contract=contract)["artist_paid"] == first.amount
    missing = _api(artist.user).post(f"{url}accept/", {"settlement": 999_999}, format="json")
    assert missing.status_code == 404


def test_api_cancel_of_delivered_work_is_a_409(delivered):
    manager, _artist, contract, payment, _first, _second = delivered
    response = _api(manager).post(f"/api/v1/contracts/{contract.pk}/cancel/", {}, format="json")
    assert response.status_code == 409 and "handed in" in response.json()["detail"]
    assert contract_balances(contract=contract)["escrow"] == payment.amount


# --- the page --------------------------------------------------------------------------------


def test_the_contract_page_proposes_and_accepts_a_settlement(delivered, client):
    manager, artist, contract, payment, _first, _second = delivered
    page = reverse("bookings:contract_detail", args=[contract.pk])
    client.force_login(manager)
    html = client.get(page).content.decode()
    assert "can no longer be cancelled" in html and "Ask to cancel" not in html
    client.post(reverse("bookings:contract_action", args=[contract.pk, "settle"]),
                {"artist_amount": "1234.50", "note": "Show only"})  # fmt: skip
    proposal = Settlement.objects.get(contract=contract)
    assert proposal.artist_amount == 123_450
    client.force_login(artist.user)
    html = client.get(page).content.decode()
    assert "Accept the settlement" in html and "Show only" in html
    response = client.post(
        reverse("bookings:contract_action", args=[contract.pk, "settle-accept"]),
        {"settlement": proposal.pk}, follow=True,
    )  # fmt: skip
    assert "the contract has ended" in response.content.decode()
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.CANCELLED
    assert contract_balances(contract=contract)["artist_paid"] == 123_450
    assert Refund.objects.get(contract=contract).amount == payment.amount - 123_450
    html = client.get(page).content.decode()
    assert "Ended by a settlement" in html
