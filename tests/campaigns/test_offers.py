"""Offers: creation from a brief, negotiation by revisions, the state machine, expiry, masking."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from campaigns.bookings import services
from campaigns.bookings.models import Contract, Milestone, Offer
from campaigns.bookings.selectors import diff_revisions, offer_with_history, offers_visible_to
from campaigns.bookings.tasks import offers_expire
from campaigns.briefs.models import Brief
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import (
    BriefFactory,
    booking_artist,
    booking_brief,
    make_exclusive_contract,
    make_offer,
)

pytestmark = pytest.mark.django_db


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
    # Open for AUX_OFFER_TTL_DAYS: 7 days by default.
    left = offer.expires_at - timezone.now()
    assert timedelta(days=7) - timedelta(minutes=1) < left <= timedelta(days=7)
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
    ("expired", "renew", "brand"): "sent",
}
# Whose action it is at all (independent of state): the other side gets 403, not 409.
ACTION_SIDES = {"accept": {"artist", "brand"}, "counter": {"artist", "brand"},
                "decline": {"artist"}, "withdraw": {"brand"}, "renew": {"brand"}}  # fmt: skip
ACTIONS = list(ACTION_SIDES)
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
    if action == "renew":
        return services.offer_renew(actor=actor, offer=offer)
    return services.offer_withdraw(actor=actor, offer=offer)


@pytest.mark.parametrize("side", ["artist", "brand"])
@pytest.mark.parametrize("action", ACTIONS)
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
        for action in ACTIONS:
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


def _expire(offer: Offer) -> Offer:
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.offer_expire(offer=offer)
    offer.refresh_from_db()
    return offer


def test_the_brand_picks_how_many_days_an_offer_stays_open(brand_manager, brief, artist):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist, expires_in_days=3)
    left = offer.expires_at - timezone.now()
    assert timedelta(days=3) - timedelta(minutes=1) < left <= timedelta(days=3)
    assert AuditEvent.objects.get(verb="offer.create").data["expires_at"] == (
        offer.expires_at.isoformat()
    )


@pytest.mark.parametrize(
    "expiry",
    [{"expires_in_days": 0}, {"expires_in_days": 31}, {"expires_in_days": -2},
     {"expires_at_days": 31}, {"expires_at_days": 3, "expires_in_days": 3}],
)  # fmt: skip
def test_an_expiry_outside_one_to_thirty_days_is_a_field_error(
    expiry, brand_manager, brief, artist
):
    kwargs = dict(expiry)
    if "expires_at_days" in kwargs:
        kwargs["expires_at"] = timezone.now() + timedelta(days=kwargs.pop("expires_at_days"))
    with pytest.raises(ValidationError) as e:
        make_offer(actor=brand_manager, brief=brief, artist=artist, **kwargs)
    assert set(e.value.message_dict) <= {"expires_in_days", "expires_at"}
    assert not Offer.objects.exists()


@pytest.mark.parametrize("days,errors", [(0, 1), (1, 0), (7, 0), (30, 0), (31, 1)])
def test_the_default_expiry_setting_must_be_one_the_brand_could_pick(days, errors, settings):
    from campaigns.bookings.checks import check_offer_ttl

    settings.AUX_OFFER_TTL_DAYS = days
    assert len(check_offer_ttl(None)) == errors


def test_a_counter_offer_cannot_push_the_expiry_past_thirty_days(artist, offer):
    with pytest.raises(ValidationError) as e:
        services.offer_counter(actor=artist.user, offer=offer, usage_term_months=3,
                               expires_at=timezone.now() + timedelta(days=90))  # fmt: skip
    assert "expires_at" in e.value.message_dict


def test_the_brand_renews_an_expired_offer_in_one_step_and_the_artist_is_told(
    brand_manager, artist, offer, django_capture_on_commit_callbacks
):
    from aux.notifications.models import Notification

    offer = _expire(offer)
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.offer_renew(actor=brand_manager, offer=offer, expires_in_days=5)
    assert renewed.pk == offer.pk
    assert renewed.status == Offer.Status.SENT and renewed.awaiting == "artist"
    assert renewed.closed_at is None
    left = renewed.expires_at - timezone.now()
    assert timedelta(days=5) - timedelta(minutes=1) < left <= timedelta(days=5)
    # The brand's own offer lapsed: nothing to re-propose, the timeline keeps revision 1.
    assert renewed.revisions.count() == 1
    event = AuditEvent.objects.get(verb="offer.renew", target_id=str(offer.pk))
    assert event.data["expired_at"] == offer.expires_at.isoformat()
    note = Notification.objects.filter(recipient=artist.user).order_by("-pk").first()
    assert note is not None and "renewed" in note.text
    # And now the artist can answer it.
    assert services.offer_accept(actor=artist.user, offer=renewed).status == "accepted"


def test_renewing_a_lapsed_counter_offer_makes_the_brand_offer_those_terms_again(
    brand_manager, artist, offer
):
    offer = services.offer_counter(actor=artist.user, offer=offer, usage_term_months=3)
    offer = _expire(offer)
    renewed = services.offer_renew(actor=brand_manager, offer=offer)
    # The artist is not held to their expired counter: the brand offers it as revision 3 and
    # the artist answers.
    assert renewed.current_revision.number == 3
    assert renewed.current_revision.author_side == "brand"
    assert renewed.usage_term_months == 3 and renewed.total == offer.total
    assert renewed.awaiting == "artist"
    left = renewed.expires_at - timezone.now()
    assert timedelta(days=7) - timedelta(minutes=1) < left <= timedelta(days=7)
    with pytest.raises(ConflictError, match="waits for the artist"):
        services.offer_accept(actor=brand_manager, offer=renewed)


def test_an_offer_is_not_renewed_on_a_closed_brief_or_beside_a_newer_offer(
    brand_manager, brief, artist, offer
):
    offer = _expire(offer)
    newer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    with pytest.raises(ConflictError, match="already has an open offer"):
        services.offer_renew(actor=brand_manager, offer=offer)
    services.offer_withdraw(actor=brand_manager, offer=newer)
    Brief.objects.filter(pk=brief.pk).update(status=Brief.Status.CLOSED)
    with pytest.raises(ConflictError, match="published briefs only"):
        services.offer_renew(actor=brand_manager, offer=offer)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED


def test_a_renewal_is_for_one_to_thirty_days(brand_manager, offer):
    offer = _expire(offer)
    for days in (0, 31):
        with pytest.raises(ValidationError) as e:
            services.offer_renew(actor=brand_manager, offer=offer, expires_in_days=days)
        assert "expires_in_days" in e.value.message_dict
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED


# --- exclusivity: conflicts told before they bite ----------------------------------------------

MARCH_15 = date(2027, 3, 15)


def test_exclusivity_conflicts_are_signed_contracts_covering_the_category_and_the_dates(artist):
    from campaigns.bookings.selectors import exclusivity_conflicts
    from tests.brands.factories import BrandCategoryFactory

    beverages = BrandCategoryFactory()
    fashion = BrandCategoryFactory(name="Fashion", slug="fashion")
    held = make_exclusive_contract(artist=artist, start=MARCH_15, months=6)

    def found(start, end, category=beverages, **kw):
        return [c.pk for c in exclusivity_conflicts(artist=artist, brand_category=category,
                                                    start=start, end=end, **kw)]  # fmt: skip

    assert found(date(2027, 6, 1), date(2027, 6, 30)) == [held.pk]
    assert found(date(2027, 1, 1), MARCH_15) == [held.pk]  # ends on its first day
    assert found(date(2027, 9, 14), date(2027, 12, 1)) == [held.pk]  # its last day
    assert found(date(2027, 9, 15), date(2027, 12, 1)) == []  # the day it ends
    assert found(date(2027, 1, 1), date(2027, 3, 14)) == []
    assert found(date(2027, 6, 1), date(2027, 6, 30), category=fashion) == []
    assert found(date(2027, 6, 1), date(2027, 6, 30), category=None) == []
    assert found(date(2027, 6, 1), date(2027, 6, 30), exclude_brand=held.brand) == []
    (conflict,) = exclusivity_conflicts(artist=artist, brand_category=beverages,
                                        start=date(2027, 6, 1), end=None)  # fmt: skip
    assert conflict.exclusivity_until == date(2027, 9, 15)
    assert conflict.exclusivity_category == beverages
    # Another artist's exclusivity is not this one's.
    assert not exclusivity_conflicts(artist=booking_artist(), brand_category=beverages,
                                     start=date(2027, 6, 1), end=None)  # fmt: skip


@pytest.mark.parametrize("status,binds", [
    ("draft", False), ("active", True), ("disputed", True), ("completed", True),
    ("cancelled", False),
])  # fmt: skip
def test_only_contracts_signed_by_both_and_not_cancelled_bind_the_artist(status, binds, artist):
    from campaigns.bookings.selectors import exclusivity_conflicts

    held = make_exclusive_contract(artist=artist, start=MARCH_15, status=status)
    found = exclusivity_conflicts(artist=artist, brand_category=held.offer.exclusivity_category,
                                  start=date(2027, 4, 1), end=date(2027, 4, 2))  # fmt: skip
    assert bool(found) is binds


def test_an_offer_breaking_an_exclusivity_is_refused_unless_the_brand_confirms(
    brand, brand_manager, artist
):
    held = make_exclusive_contract(artist=artist, start=MARCH_15, months=6)
    assert brand.category == held.brand.category  # both make drinks
    brief = booking_brief(brand, social=True)
    dates = {"start_date": date(2027, 7, 1), "end_date": date(2027, 7, 31)}
    with pytest.raises(ConflictError) as e:
        make_offer(actor=brand_manager, brief=brief, artist=artist, **dates)
    assert e.value.errors == {"confirm_exclusivity_conflict": [
        "This offer would break the artist's Beverages exclusivity until 15 Sep 2027."
    ]}  # fmt: skip
    assert not Offer.objects.filter(brief=brief).exists()
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist,
                       confirm_exclusivity_conflict=True, **dates)  # fmt: skip
    event = AuditEvent.objects.get(verb="offer.create", target_id=str(offer.pk))
    assert event.data["exclusivity_conflicts"] == [held.pk]
    # Work after the exclusivity ends needs no confirmation.
    later = booking_brief(brief.brand)
    make_offer(actor=brand_manager, brief=later, artist=artist,
               start_date=date(2027, 9, 15), end_date=date(2027, 10, 1))  # fmt: skip


def test_the_brand_holding_the_exclusivity_books_the_artist_again_without_a_warning(artist):
    held = make_exclusive_contract(artist=artist, start=MARCH_15, months=6)
    manager = MembershipFactory(brand=held.brand, role="manager").user
    offer = make_offer(actor=manager, brief=booking_brief(held.brand), artist=artist,
                       start_date=date(2027, 5, 1), end_date=date(2027, 5, 2))  # fmt: skip
    assert offer.status == Offer.Status.SENT


def test_a_renewal_that_would_break_an_exclusivity_signed_meanwhile_needs_confirming(
    brand_manager, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    offer = _expire(offer)
    make_exclusive_contract(artist=artist, start=brief.start_date, months=12)
    with pytest.raises(ConflictError) as e:
        services.offer_renew(actor=brand_manager, offer=offer)
    assert "confirm_exclusivity_conflict" in e.value.errors
    renewed = services.offer_renew(actor=brand_manager, offer=offer,
                                   confirm_exclusivity_conflict=True)  # fmt: skip
    assert renewed.status == Offer.Status.SENT


# --- time left, in words -----------------------------------------------------------------------


@pytest.mark.parametrize("delta,words", [
    (timedelta(days=3), "3 days left"),
    (timedelta(days=3) - timedelta(seconds=5), "3 days left"),
    (timedelta(days=30), "30 days left"),
    (timedelta(days=2), "2 days left"),
    (timedelta(hours=47), "expires in 47 hours"),
    (timedelta(hours=5), "expires in 5 hours"),
    (timedelta(hours=1), "expires in 1 hour"),
    (timedelta(minutes=59), "expires in 59 minutes"),
    (timedelta(seconds=20), "expires in 1 minute"),
    (timedelta(0), "expired"),
    (-timedelta(days=2), "expired"),
])  # fmt: skip
def test_time_left_is_said_in_words(delta, words):
    from campaigns.bookings.selectors import time_left_text

    now = timezone.now()
    assert time_left_text(now + delta, now=now) == words


# --- contact details: the disguise tables are in tests/campaigns/test_masking.py, the surfaces
# (pages, API, e-mails) in tests/campaigns/test_masking_surfaces.py.


# --- Stripe's ceiling: one PaymentIntent charges at most 99,999,999 minor units ------------------


def _one_line(offer, fee):
    line = offer.current_revision.lines.first()
    return [{"deliverable_type": line.deliverable_type, "quantity": 1, "fee": fee}]


def test_the_largest_total_is_the_one_whose_charge_stripe_takes(settings):
    from aux.money import MAX_CHARGE_AMOUNT, fee_for, max_total_for

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
