"""Contract payout splits: proposing, accepting by signed link, freezing at signing, and payouts
to the cent through the fake Stripe (payments.devstripe over HTTP, no mocks)."""

from decimal import Decimal

import pytest
from django.core import mail

from aux.audit.models import AuditEvent
from aux.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from campaigns.bookings import services as bookings
from campaigns.bookings.services import contract_sign, offer_accept
from payments import services, stripe_gateway
from payments.ledger import split_largest_remainder
from payments.models import ContractPayee, ContractSplit, Payout
from payments.selectors import co_owner_statement, contract_splits_for
from payments.services.contract_splits import split_invitation_token
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer
from tests.users.factories import UserFactory

from .factories import fund, onboard

pytestmark = pytest.mark.django_db(transaction=True)


def draft_contract(*, fee: int = 200_000):
    """Brand manager, onboarded artist and a contract awaiting signatures, one deliverable."""
    from campaigns.bookings.services.offers import offer_prefill_lines

    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand)
    artist = booking_artist()
    onboard(artist.user)
    lines = offer_prefill_lines(brief=brief, artist=artist)
    lines[0]["fee"] = fee
    offer = make_offer(actor=manager, brief=brief, artist=artist, lines=lines)
    contract = offer_accept(actor=artist.user, offer=offer).contract
    return manager, artist, contract


def sign_both(manager, artist, contract):
    contract_sign(actor=manager, contract=contract, full_name=manager.name, confirm=True)
    contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True)


def propose(artist, contract, own, *co):
    return services.contract_splits_propose(
        actor=artist.user,
        contract=contract,
        artist_share=own,
        co_owners=[{"email": e, "share": s} for e, s in co],
    )


def co_owner(email=None, *, ready=True):
    user = UserFactory(**({"email": email} if email else {}))
    if ready:
        onboard(user)
    return user


# --- Proposing ---------------------------------------------------------------------------------


def test_the_artist_proposes_co_owners_who_are_emailed_a_signed_link(
    stripe_api, django_capture_on_commit_callbacks
):
    _manager, artist, contract = draft_contract()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        splits = propose(
            artist, contract, "60", ("Drums@Example.com", "25"), ("bass@example.com", "15.00")
        )
    assert {(s.email, s.share_bps, s.status) for s in splits} == {
        ("drums@example.com", 2500, "pending"),
        ("bass@example.com", 1500, "pending"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["bass@example.com", "drums@example.com"]
    drums = next(s for s in splits if s.email == "drums@example.com")
    assert split_invitation_token(drums) in next(
        m.body for m in mail.outbox if m.to == ["drums@example.com"]
    )
    assert AuditEvent.objects.filter(verb="split.invite").count() == 2


@pytest.mark.parametrize(
    ("own", "co", "field"),
    [
        ("50", [("a@example.com", "40")], "artist_share"),  # 90%: does not add up
        ("100", [("a@example.com", "0")], "co_owners"),  # a share must be more than 0
        ("0", [("a@example.com", "100")], "co_owners"),  # and less than 100
        ("50", [("a@example.com", "-50"), ("b@example.com", "100")], "co_owners"),
        ("40", [("a@example.com", "30"), ("A@example.com", "30")], "co_owners"),  # twice
        ("50", [("not-an-address", "50")], "co_owners"),
        ("50", [("a@example.com", "49.999")], "co_owners"),  # at most two decimals
    ],
)
def test_a_proposal_that_does_not_add_up_to_100_or_repeats_a_co_owner_is_refused(
    stripe_api, own, co, field
):
    _manager, artist, contract = draft_contract()
    with pytest.raises(ApplicationError) as e:
        propose(artist, contract, own, *co)
    assert e.value.status == 400 and field in e.value.errors
    assert not ContractSplit.objects.exists()


def test_the_artist_cannot_be_their_own_co_owner(stripe_api):
    _manager, artist, contract = draft_contract()
    with pytest.raises(ApplicationError) as e:
        propose(artist, contract, "50", (artist.user.email.upper(), "50"))
    assert "co_owners" in e.value.errors


def test_only_the_artist_proposes_and_only_before_both_sides_signed(stripe_api):
    manager, artist, contract = draft_contract()
    with pytest.raises(PermissionDeniedError):
        services.contract_splits_propose(
            actor=manager, contract=contract, artist_share="100", co_owners=[]
        )
    sign_both(manager, artist, contract)
    with pytest.raises(ConflictError, match="signed"):
        propose(artist, contract, "50", ("a@example.com", "50"))


def test_proposing_again_keeps_unchanged_shares_withdraws_the_rest_and_is_idempotent(
    stripe_api, django_capture_on_commit_callbacks
):
    _manager, artist, contract = draft_contract()
    drummer = co_owner("drums@example.com")
    first = propose(artist, contract, "60", ("drums@example.com", "25"), ("bass@example.com", "15"))
    services.contract_split_accept(actor=drummer, split_id=first[0].pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = propose(
            artist, contract, "60", ("drums@example.com", "25"), ("keys@example.com", "15")
        )
    states = dict(ContractSplit.objects.values_list("email", "status"))
    assert states == {
        "drums@example.com": "accepted",
        "bass@example.com": "withdrawn",
        "keys@example.com": "pending",
    }
    assert [m.to for m in mail.outbox] == [["keys@example.com"]]
    assert (
        propose(artist, contract, "60", ("drums@example.com", "25"), ("keys@example.com", "15"))
        == again
    )
    assert ContractSplit.objects.count() == 3
    # A changed share is a new invitation: the old acceptance no longer holds.
    propose(artist, contract, "50", ("drums@example.com", "35"), ("keys@example.com", "15"))
    drums = ContractSplit.objects.filter(email="drums@example.com").order_by("pk")
    assert [s.status for s in drums] == ["withdrawn", "pending"]


# --- Accepting ---------------------------------------------------------------------------------


def test_a_co_owner_accepts_once_signed_in_with_the_invited_address_and_onboarded(stripe_api):
    _manager, artist, contract = draft_contract()
    (split,) = propose(artist, contract, "70", ("drums@example.com", "30"))
    stranger = co_owner()
    with pytest.raises(NotFoundError):  # to anyone else the split does not exist
        services.contract_split_accept(actor=stranger, split_id=split.pk)
    unverified = UserFactory(email="drums@example.com", verified=False)
    with pytest.raises(PermissionDeniedError, match="Confirm"):
        services.contract_split_accept(actor=unverified, split_id=split.pk)
    unverified.emailaddress_set.update(verified=True)
    with pytest.raises(ConflictError, match="payouts"):
        services.contract_split_accept(actor=unverified, split_id=split.pk)
    onboard(unverified)
    accepted = services.contract_split_accept(actor=unverified, split_id=split.pk)
    assert (accepted.status, accepted.user_id) == ("accepted", unverified.pk)
    again = services.contract_split_accept(actor=unverified, split_id=split.pk)  # idempotent
    assert again.accepted_at == accepted.accepted_at
    assert AuditEvent.objects.filter(verb="split.accept").count() == 1


def test_a_withdrawn_share_cannot_be_accepted(stripe_api):
    _manager, artist, contract = draft_contract()
    (split,) = propose(artist, contract, "70", ("drums@example.com", "30"))
    propose(artist, contract, "100")
    with pytest.raises(ConflictError, match="withdrew"):
        services.contract_split_accept(actor=co_owner("drums@example.com"), split_id=split.pk)


def test_the_link_names_the_split_and_a_tampered_one_is_refused(stripe_api):
    _manager, artist, contract = draft_contract()
    (split,) = propose(artist, contract, "70", ("drums@example.com", "30"))
    token = split_invitation_token(split)
    assert services.split_by_token(token) == split
    assert services.split_by_token(token[:-2] + "xx") is None
    assert services.split_by_token("") is None


# --- Freezing at signing -----------------------------------------------------------------------


def test_signing_freezes_accepted_splits_and_a_pending_share_stays_with_the_artist(stripe_api):
    manager, artist, contract = draft_contract()
    drummer = co_owner("drums@example.com")
    splits = propose(
        artist, contract, "55", ("drums@example.com", "30"), ("bass@example.com", "15")
    )
    drums = next(s for s in splits if s.email == "drums@example.com")
    services.contract_split_accept(actor=drummer, split_id=drums.pk)
    sign_both(manager, artist, contract)
    payees = dict(
        ContractPayee.objects.filter(contract=contract).values_list("user_id", "share_bps")
    )
    assert payees == {artist.user_id: 7000, drummer.pk: 3000}
    assert ContractSplit.objects.get(email="bass@example.com").status == "lapsed"
    late = co_owner("bass@example.com")
    with pytest.raises(ConflictError, match="signed before you accepted"):
        services.contract_split_accept(actor=late, split_id=splits[1].pk)


def test_a_draft_contract_has_no_payees_yet(stripe_api):
    _manager, _artist, contract = draft_contract()
    assert services.contract_payees_freeze(contract=contract) == []
    assert services.contract_splits_editable(contract)


# --- What each side sees -----------------------------------------------------------------------


def test_the_brand_sees_that_splits_exist_not_who_or_how_much(stripe_api):
    manager, artist, contract = draft_contract()
    drummer = co_owner("drums@example.com")
    (split,) = propose(artist, contract, "70", ("drums@example.com", "30"))
    brand_view = contract_splits_for(user=manager, contract=contract)
    assert brand_view["has_splits"] and brand_view["splits"] == []
    assert brand_view["artist_share_bps"] is None
    artist_view = contract_splits_for(user=artist.user, contract=contract)
    assert artist_view["artist_share_bps"] == 7000 and artist_view["splits"] == [split]
    assert contract_splits_for(user=drummer, contract=contract)["splits"] == [split]
    assert contract_splits_for(user=co_owner(), contract=contract) is None


# --- Payouts to the cent -----------------------------------------------------------------------


def _approve(manager, artist, contract):
    for m in contract.milestones.order_by("pk"):
        bookings.milestone_submit(
            actor=artist.user, milestone=m, note="done", disclosure_confirmed=True
        )
        bookings.milestone_approve(actor=manager, milestone=m)


@pytest.mark.parametrize(
    ("fee", "own", "shares", "expected"),
    [
        # 50/25/25 of €2,000.03: 100,001.5 / 50,000.75 / 50,000.75 → the two leftover cents go
        # to the largest remainders (the co-owners' .75), not to the artist's .5.
        (200_003, "50", ("25", "25"), (100_001, 50_001, 50_001)),
        # 50/25/25 of €2,000.02: the co-owners tie on .5 for one cent: the lower user id wins.
        (200_002, "50", ("25", "25"), (100_001, 50_001, 50_000)),
        # 33.34/33.33/33.33 of €2,000.01: the artist's larger remainder takes the cent.
        (200_001, "33.34", ("33.33", "33.33"), (66_681, 66_660, 66_660)),
    ],
)
def test_payouts_follow_accepted_splits_to_the_cent(
    stripe_api, django_capture_on_commit_callbacks, fee, own, shares, expected
):
    manager, artist, contract = draft_contract(fee=fee)
    first, second = co_owner(), co_owner()  # first has the lower user id
    splits = propose(artist, contract, own, (first.email, shares[0]), (second.email, shares[1]))
    for user in (first, second):
        split = next(s for s in splits if s.email == user.email)
        services.contract_split_accept(actor=user, split_id=split.pk)
    sign_both(manager, artist, contract)
    quote = services.contract_funding_quote(contract=contract)
    fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(manager, artist, contract)
    milestone = contract.milestones.get()
    paid = dict(
        Payout.objects.filter(milestone=milestone, status="sent").values_list("payee_id", "amount")
    )
    assert (paid[artist.user_id], paid[first.pk], paid[second.pk]) == expected
    # The platform fee is charged to the brand on top of the fee, so nothing is deducted from
    # the payees: the transfers add up to the approved amount exactly, as Stripe recorded them.
    transfers = stripe_gateway.transfer_list(transfer_group=f"aux-contract-{contract.pk}")
    assert sum(t["amount"] for t in transfers) == sum(paid.values()) == milestone.amount == fee
    assert quote["gross"] - quote["fee"] == fee
    # Deterministic: the same rule, whatever runs it.
    payees = list(ContractPayee.objects.filter(contract=contract))
    assert split_largest_remainder(fee, [p.share_bps for p in payees]) == [
        paid[p.user_id] for p in payees
    ]


def test_a_co_owner_statement_lists_what_they_were_paid_per_contract_and_deliverable(
    stripe_api, django_capture_on_commit_callbacks
):
    manager, artist, contract = draft_contract(fee=100_000)
    drummer = co_owner()
    (split,) = propose(artist, contract, Decimal("75"), (drummer.email, Decimal("25")))
    services.contract_split_accept(actor=drummer, split_id=split.pk)
    sign_both(manager, artist, contract)
    fund(manager, contract)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(manager, artist, contract)
    (row,) = co_owner_statement(user=drummer)
    assert row["contract"] == contract and row["paid"] == 25_000
    assert [(p.milestone_id, p.amount) for p in row["payouts"]] == [
        (contract.milestones.get().pk, 25_000)
    ]
