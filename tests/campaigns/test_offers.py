"""Offers: creation from a brief, negotiation by revisions, the state machine, expiry, masking."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from campaigns import services
from campaigns.models import Brief, Contract, Milestone, Offer
from campaigns.selectors import diff_revisions, offer_with_history, offers_visible_to
from campaigns.tasks import offers_expire
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import (
    BriefFactory,
    booking_artist,
    booking_brief,
    make_offer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief(brand):
    return booking_brief(brand, social=True)


@pytest.fixture
def artist():
    return booking_artist()


@pytest.fixture
def offer(brand_manager, brief, artist):
    return make_offer(actor=brand_manager, brief=brief, artist=artist)


def test_offer_is_prefilled_from_the_brief_at_the_artists_minimum(offer, brief):
    lines = list(offer.current_revision.lines.order_by("id"))
    assert [(ln.deliverable_type.slug, ln.quantity, ln.fee) for ln in lines] == [
        ("live-show", 2, 200_000),
        ("social-post", 3, 90_000),
    ]
    assert offer.total == 290_000
    assert offer.status == Offer.Status.SENT and offer.awaiting == "artist"
    assert offer.current_revision.number == 1 and offer.current_revision.author_side == "brand"
    assert offer.usage_territories == ["DE", "FR"]
    assert not offer.below_min_fee
    assert offer.expires_at > timezone.now() + timedelta(days=13)
    assert AuditEvent.objects.filter(verb="offer.create", target_id=str(offer.pk)).exists()


def test_a_fee_below_the_artists_minimum_is_allowed_and_flagged(brand_manager, brief, artist):
    show = brief.deliverables.first().deliverable_type
    offer = make_offer(
        actor=brand_manager, brief=brief, artist=artist,
        lines=[{"deliverable_type": show, "quantity": 2, "fee": 150_000}],
    )  # fmt: skip
    assert offer.below_min_fee
    line = offer.current_revision.lines.get()
    assert line.below_min_fee and line.min_fee == 200_000


def test_an_artist_without_rates_or_payouts_can_receive_an_offer(brand_manager, brief):
    from tests.artists.factories import ArtistFactory

    artist = ArtistFactory()
    lines = [
        {"deliverable_type": d.deliverable_type, "quantity": d.quantity, "fee": 50_000}
        for d in brief.deliverables.all()
    ]
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist, lines=lines)
    assert offer.total == 100_000 and not offer.below_min_fee


def test_zero_fees_and_bad_terms_are_refused_with_field_errors(brand_manager, brief, artist):
    show = brief.deliverables.first().deliverable_type
    with pytest.raises(ValidationError) as exc:
        make_offer(actor=brand_manager, brief=brief, artist=artist,
                   lines=[{"deliverable_type": show, "quantity": 1, "fee": 0}],
                   usage_channels=["billboards-on-mars"], usage_term_months=0)  # fmt: skip
    assert {"lines.0.fee"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        make_offer(actor=brand_manager, brief=brief, artist=artist, usage_channels=["mars"])
    assert "usage_channels" in exc.value.message_dict


@pytest.mark.parametrize("who", ["viewer", "other_brand_owner", "artist", "staff_user"])
def test_only_the_brands_owners_and_managers_make_offers(who, brand, brief, artist, staff_user):
    actor = {
        "viewer": lambda: MembershipFactory(brand=brand, role="viewer").user,
        "other_brand_owner": lambda: MembershipFactory(role="owner").user,
        "artist": lambda: artist.user,
        "staff_user": lambda: staff_user,
    }[who]()
    with pytest.raises(PermissionDeniedError):
        make_offer(actor=actor, brief=brief, artist=artist)
    assert not Offer.objects.exists()


def test_offers_are_made_on_published_briefs_only(brand, brand_manager, artist):
    draft = BriefFactory(brand=brand, status=Brief.Status.DRAFT)
    with pytest.raises(ConflictError, match="draft"):
        make_offer(actor=brand_manager, brief=draft, artist=artist)


def test_only_one_open_offer_per_brief_and_artist(brand_manager, brief, artist, offer):
    with pytest.raises(ConflictError, match="already has an open offer"):
        make_offer(actor=brand_manager, brief=brief, artist=artist)
    services.offer_decline(actor=artist.user, offer=offer, reason="Busy that summer")
    again = make_offer(actor=brand_manager, brief=brief, artist=artist)
    assert again.status == Offer.Status.SENT


def test_the_database_refuses_a_second_open_offer_even_without_the_service_check(
    offer, brief, artist
):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(brief=brief, artist=artist, expires_at=offer.expires_at)


def test_artist_counters_brand_counters_again_and_every_revision_is_kept(
    brand_manager, artist, offer
):
    show_line = offer.current_revision.lines.get(deliverable_type__slug="live-show")
    lines = [
        {"deliverable_type": ln.deliverable_type, "quantity": ln.quantity,
         "fee": 300_000 if ln.pk == show_line.pk else ln.fee}
        for ln in offer.current_revision.lines.all()
    ]  # fmt: skip
    offer = services.offer_counter(actor=artist.user, offer=offer, lines=lines, usage_term_months=6)
    assert offer.status == Offer.Status.COUNTERED and offer.awaiting == "brand"
    assert offer.total == 390_000 and offer.usage_term_months == 6

    offer = services.offer_counter(actor=brand_manager, offer=offer, usage_term_months=9)
    assert offer.status == Offer.Status.SENT and offer.awaiting == "artist"

    full = offer_with_history(offer=offer)
    revisions = list(full.revisions.all())
    assert [(r.number, r.author_side, r.total) for r in revisions] == [
        (1, "brand", 290_000), (2, "artist", 390_000), (3, "brand", 390_000),
    ]  # fmt: skip
    changes = {c["what"]: (c["before"], c["after"]) for c in diff_revisions(*revisions[:2])}
    assert changes["Live show"] == ("2 × €2,000", "2 × €3,000")
    assert changes["Total"] == ("€2,900", "€3,900")
    assert changes["Usage term"] == ("12 months", "6 months")
    assert "Social post" not in changes


def test_a_counter_that_changes_nothing_is_refused(artist, offer):
    with pytest.raises(ValidationError, match="must change"):
        services.offer_counter(actor=artist.user, offer=offer)


def test_accepting_creates_a_contract_with_one_milestone_per_line(artist, offer):
    offer = services.offer_accept(actor=artist.user, offer=offer)
    assert offer.status == Offer.Status.ACCEPTED and offer.awaiting == ""
    contract = Contract.objects.get(offer=offer)
    assert contract.status == Contract.Status.DRAFT and contract.total == 290_000
    milestones = list(contract.milestones.order_by("id"))
    assert [(m.title, m.amount, m.is_social) for m in milestones] == [
        ("2 × Live show", 200_000, False), ("3 × Social post", 90_000, True),
    ]  # fmt: skip
    assert all(m.status == Milestone.Status.PENDING for m in milestones)
    assert all(m.due_date == offer.end_date for m in milestones)


# --- the state machine, table-driven -----------------------------------------------------------
# (state, action, side) → the new state; every other combination is refused.
ALLOWED = {
    ("sent", "accept", "artist"): "accepted",
    ("sent", "decline", "artist"): "declined",
    ("sent", "counter", "artist"): "countered",
    ("sent", "withdraw", "brand"): "withdrawn",
    ("countered", "accept", "brand"): "accepted",
    ("countered", "counter", "brand"): "sent",
    ("countered", "decline", "artist"): "declined",
    ("countered", "withdraw", "brand"): "withdrawn",
}
# Whose action it is at all (independent of state): the other side gets 403, not 409.
ACTION_SIDES = {"accept": {"artist", "brand"}, "counter": {"artist", "brand"},
                "decline": {"artist"}, "withdraw": {"brand"}}  # fmt: skip
AWAITING = {"sent": "artist", "countered": "brand"}


def put_in_state(offer: Offer, state: str) -> Offer:
    """Test set-up only: place the offer in `state` directly (the transitions are under test)."""
    Offer.objects.filter(pk=offer.pk).update(status=state, awaiting=AWAITING.get(state, ""))
    offer.refresh_from_db()
    return offer


def run_action(action: str, actor, offer: Offer) -> Offer:
    if action == "accept":
        return services.offer_accept(actor=actor, offer=offer)
    if action == "decline":
        return services.offer_decline(actor=actor, offer=offer, reason="no")
    if action == "counter":
        return services.offer_counter(actor=actor, offer=offer, usage_term_months=3)
    return services.offer_withdraw(actor=actor, offer=offer)


@pytest.mark.parametrize("side", ["artist", "brand"])
@pytest.mark.parametrize("action", ["accept", "decline", "counter", "withdraw"])
@pytest.mark.parametrize("state", [s.value for s in Offer.Status])
def test_offer_state_machine(state, action, side, brand_manager, artist, offer):
    offer = put_in_state(offer, state)
    actor = artist.user if side == "artist" else brand_manager
    expected = ALLOWED.get((state, action, side))
    if expected is not None:
        assert run_action(action, actor, offer).status == expected
        offer.refresh_from_db()
        assert offer.status == expected
        return
    error = PermissionDeniedError if side not in ACTION_SIDES[action] else ConflictError
    with pytest.raises(error) as exc:
        run_action(action, actor, offer)
    if error is ConflictError:
        assert Offer.Status(state).label.lower() in exc.value.message
    offer.refresh_from_db()
    assert offer.status == state


def test_offer_state_table_covers_every_status():
    assert {s for s, _a, _side in ALLOWED} | set(Offer.ALLOWED_TRANSITIONS) == set(Offer.Status)
    for (state, _action, _side), to in ALLOWED.items():
        assert to in Offer.ALLOWED_TRANSITIONS[state]


def test_brand_viewer_and_outsiders_cannot_act_on_an_offer(brand, artist, offer):
    viewer = MembershipFactory(brand=brand, role="viewer").user
    stranger = booking_artist().user
    for actor in (viewer, stranger):
        for action in ("accept", "decline", "counter", "withdraw"):
            with pytest.raises(PermissionDeniedError):
                run_action(action, actor, offer)


def test_offers_are_visible_to_their_artist_and_brand_only(brand, brand_viewer, artist, offer):
    assert list(offers_visible_to(user=artist.user)) == [offer]
    assert list(offers_visible_to(user=brand_viewer)) == [offer]
    assert not offers_visible_to(user=booking_artist().user).exists()
    assert not offers_visible_to(user=MembershipFactory(role="owner").user).exists()


# --- expiry ------------------------------------------------------------------------------------


def test_an_expired_offer_cannot_be_accepted_and_the_task_expires_it_once(artist, offer):
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    offer.refresh_from_db()
    with pytest.raises(ConflictError, match="expired"):
        services.offer_accept(actor=artist.user, offer=offer)
    assert offers_expire.delay().get() == 1
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED and offer.closed_at is not None
    assert offers_expire.delay().get() == 0
    assert services.offer_expire(offer=offer) is False
    assert AuditEvent.objects.filter(verb="offer.expire", target_id=str(offer.pk)).count() == 1


def test_offers_not_yet_due_or_closed_are_left_alone_by_the_expiry_task(artist, offer):
    assert offers_expire.delay().get() == 0
    services.offer_accept(actor=artist.user, offer=offer)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert offers_expire.delay().get() == 0
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


# --- contact details: the disguise tables are in tests/campaigns/test_masking.py, the surfaces
# (pages, API, e-mails) in tests/campaigns/test_masking_surfaces.py.


# --- Stripe's ceiling: one PaymentIntent charges at most 99,999,999 minor units ------------------


def _one_line(offer, fee):
    line = offer.current_revision.lines.first()
    return [{"deliverable_type": line.deliverable_type, "quantity": 1, "fee": fee}]


def test_the_largest_total_is_the_one_whose_charge_stripe_takes(settings):
    from payments.ledger import MAX_CHARGE_AMOUNT, fee_for, max_total_for

    for bps in (0, 1, 1000, 2500):
        top = max_total_for(bps)
        assert top + fee_for(top, bps) <= MAX_CHARGE_AMOUNT < top + 1 + fee_for(top + 1, bps)


def test_an_offer_stripe_could_not_charge_in_one_payment_is_refused(
    brand_manager, brief, artist, settings
):
    settings.AUX_PLATFORM_FEE_BPS = 1000
    show = brief.deliverables.first().deliverable_type
    # €999,999.99 plus the 10 % fee is €1,099,999.99: above Stripe's €999,999.99.
    with pytest.raises(ValidationError) as e:
        make_offer(actor=brand_manager, brief=brief, artist=artist,
                   lines=[{"deliverable_type": show, "fee": 99_999_999}])  # fmt: skip
    assert "Stripe" in str(e.value.message_dict["lines"])
    assert not Offer.objects.exists()
    # The largest total whose charge fits is accepted: 90,909,090 + 9,090,909 = 99,999,999.
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist,
                       lines=[{"deliverable_type": show, "fee": 90_909_090}])  # fmt: skip
    assert offer.total == 90_909_090


def test_a_counter_offer_stripe_could_not_charge_is_refused(artist, offer, settings):
    settings.AUX_PLATFORM_FEE_BPS = 1000
    with pytest.raises(ValidationError, match="Stripe"):
        services.offer_counter(actor=artist.user, offer=offer, lines=_one_line(offer, 90_909_091))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT and offer.current_revision.number == 1
