"""Contracts: frozen terms and their hash, signatures by both sides, cancellation, reviews."""

import hashlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from aux.errors import ConflictError, PermissionDeniedError
from campaigns.bookings import services
from campaigns.bookings.models import Contract, Milestone, Offer, Review
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import (
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(brand_manager, brief, artist):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    return services.offer_accept(actor=artist.user, offer=offer).contract


def test_the_contract_hash_is_the_sha256_of_its_text_which_states_the_terms(contract):
    assert contract.terms_sha256 == hashlib.sha256(contract.terms_text.encode()).hexdigest()
    text = contract.terms_text
    assert contract.brand.name in text and contract.artist.stage_name in text
    assert "2 x Live show" in text and "€2,000" in text and "Total: €2,900" in text
    assert "Territories: France, Germany" in text or "Territories: Germany, France" in text
    assert "PAID-PARTNERSHIP DISCLOSURE" in text
    assert "Exclusivity" not in text and "None: the Artist remains free" in text


@pytest.mark.parametrize(
    "change",
    [
        {"usage_term_months": 24},
        {"usage_channels": ["social", "tv"]},
        {"usage_territories": ["DE"]},
        {"message": "One more thing."},
        {"end_date": "later"},
        {"exclusivity": True},
        {"fee": 123_400},
    ],
)
def test_the_hash_changes_when_any_term_changes(change, brand_manager, brief, artist):
    from datetime import timedelta

    from brands.models import BrandCategory

    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    base = services.contract_terms_render(offer=offer, revision=offer.current_revision)
    kwargs = dict(change)
    if kwargs.pop("end_date", None):
        kwargs["end_date"] = offer.end_date + timedelta(days=1)
    if kwargs.pop("exclusivity", None):
        kwargs["exclusivity_category"] = BrandCategory.objects.first()
        kwargs["exclusivity_months"] = 6
    fee = kwargs.pop("fee", None)
    if fee:
        kwargs["lines"] = [
            {"deliverable_type": ln.deliverable_type, "quantity": ln.quantity, "fee": fee}
            for ln in offer.current_revision.lines.all()
        ]
    offer = services.offer_counter(actor=artist.user, offer=offer, **kwargs)
    changed = services.contract_terms_render(offer=offer, revision=offer.current_revision)
    assert services.terms_hash(changed) != services.terms_hash(base)


def test_both_sides_sign_with_their_name_and_the_contract_becomes_active(
    contract, brand_manager, artist, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    contract = services.contract_sign(
        actor=brand_manager, contract=contract, full_name=f"  {brand_manager.name.upper()} ",
        confirm=True, ip="203.0.113.7", user_agent="Firefox", terms_sha256=contract.terms_sha256,
    )  # fmt: skip
    assert contract.status == Contract.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        contract = services.contract_sign(
            actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True
        )
    assert contract.status == Contract.Status.ACTIVE and contract.signed_at is not None
    sigs = {s.party: s for s in contract.signatures.all()}
    assert sigs["brand"].ip == "203.0.113.7" and sigs["brand"].user_agent == "Firefox"
    assert sigs["brand"].terms_sha256 == contract.terms_sha256 == sigs["artist"].terms_sha256
    contract.refresh_from_db()
    assert contract.pdf and contract.pdf.read(5) == b"%PDF-"


def test_a_signature_needs_the_account_name_and_confirmation(contract, artist):
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(actor=artist.user, contract=contract, full_name="Somebody Else",
                               confirm=False)  # fmt: skip
    assert set(exc.value.message_dict) == {"full_name", "confirm"}
    assert not contract.signatures.exists()


def test_signing_twice_or_signing_changed_terms_is_a_conflict(contract, artist):
    services.contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name,
                           confirm=True)  # fmt: skip
    with pytest.raises(ConflictError, match="already signed"):
        services.contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name,
                               confirm=True)  # fmt: skip


def test_signing_text_other_than_the_contracts_is_refused(contract, artist):
    with pytest.raises(ConflictError, match="not the contract's terms"):
        services.contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name,
                               confirm=True, terms_sha256="0" * 64)  # fmt: skip


def test_viewers_and_outsiders_cannot_sign(contract, brand):
    for actor in (MembershipFactory(brand=brand, role="viewer").user, booking_artist().user,
                  MembershipFactory(role="owner").user):  # fmt: skip
        with pytest.raises(PermissionDeniedError):
            services.contract_sign(actor=actor, contract=contract, full_name=actor.name,
                                   confirm=True)  # fmt: skip


def test_cancellation_by_agreement_needs_both_sides(contract, brand_manager, artist):
    contract = services.contract_cancel(actor=artist.user, contract=contract, reason="Injury")
    assert contract.status == Contract.Status.DRAFT and contract.cancel_requested_by == "artist"
    with pytest.raises(ConflictError, match="already asked"):
        services.contract_cancel(actor=artist.user, contract=contract)
    contract = services.contract_cancel(actor=brand_manager, contract=contract)
    assert contract.status == Contract.Status.CANCELLED
    assert set(contract.milestones.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(ConflictError, match="cancelled"):
        services.contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name,
                               confirm=True)  # fmt: skip


def test_staff_cancel_at_once_but_not_after_an_approved_deliverable(
    brand_manager, brief, artist, staff_user
):
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    first = contract.milestones.order_by("id").first()
    services.milestone_submit(actor=artist.user, milestone=first, note="Played it.")
    services.milestone_approve(actor=brand_manager, milestone=first)
    with pytest.raises(ConflictError, match="already approved"):
        services.contract_cancel(actor=staff_user, contract=contract)
    other = make_active_contract(brand_user=brand_manager, brief=booking_brief(brief.brand),
                                 artist=artist)  # fmt: skip
    assert services.contract_cancel(actor=staff_user, contract=other).status == "cancelled"


def test_each_side_reviews_once_and_only_after_completion(brand_manager, brief, artist):
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    with pytest.raises(ConflictError, match="active"):
        services.review_create(actor=artist.user, contract=contract, rating=5)
    for m in contract.milestones.all():
        services.milestone_submit(actor=artist.user, milestone=m, note="Done",
                                  disclosure_confirmed=True)  # fmt: skip
        services.milestone_approve(actor=brand_manager, milestone=m)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    with pytest.raises(ValidationError):
        services.review_create(actor=brand_manager, contract=contract, rating=9)
    services.review_create(actor=artist.user, contract=contract, rating=5, text="Smooth.")
    services.review_create(actor=brand_manager, contract=contract, rating=4, text="Great show.")
    with pytest.raises(ConflictError, match="already reviewed"):
        services.review_create(actor=artist.user, contract=contract, rating=1)
    assert Review.objects.filter(contract=contract).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_of_one_offer_make_exactly_one_contract(brand, brand_manager):
    """On PostgreSQL the row lock serialises the two accepts: one wins, the other gets 409."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run through scripts/test.sh)")
    from tests.brands.factories import MembershipFactory as Member

    brief = booking_brief(brand)
    artist = booking_artist()
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    # A brand counter-offer accepted by the artist and, simultaneously, ... the same artist twice
    # (two tabs): both threads act for the side whose turn it is.
    Member(brand=brand, role="manager")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def accept() -> None:
        from django.db import connections

        try:
            fresh = Offer.objects.get(pk=offer.pk)
            barrier.wait(timeout=10)
            services.offer_accept(actor=artist.user, offer=fresh)
            results.append("ok")
        except ConflictError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results.count("ok") == 1
    assert len([r for r in results if isinstance(r, ConflictError)]) == 1
    assert Contract.objects.filter(offer=offer).count() == 1
    assert Milestone.objects.filter(contract__offer=offer).count() == 1


# --- Stale cancellation requests (issue 13) ------------------------------------------------------


def _audit_verbs(contract) -> list[str]:
    from aux.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(target_id=str(contract.pk), verb__startswith="contract.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def _sign_both(contract, brand_user, artist):
    services.contract_sign(actor=brand_user, contract=contract, full_name=brand_user.name,
                           confirm=True)  # fmt: skip
    return services.contract_sign(actor=artist.user, contract=contract,
                                  full_name=artist.user.name, confirm=True)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_stale_cancel_request_from_the_draft_cannot_cancel_delivered_work(
    stripe_api, django_capture_on_commit_callbacks
):
    """The attack: the artist asks to cancel at draft, then signs; the brand funds, the artist
    delivers both deliverables; the brand's own cancel call must not end the contract."""
    from payments.models import Refund
    from payments.services import contract_balances
    from tests.payments.factories import fund, onboard

    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, social=True)
    artist = booking_artist()
    onboard(artist.user)
    offer = make_offer(actor=manager, brief=brief, artist=artist)
    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_cancel(actor=artist.user, contract=contract, reason="Changed my mind")
        _sign_both(contract, manager, artist)
    payment = fund(manager, Contract.objects.get(pk=contract.pk))
    assert contract.milestones.count() == 2
    for m in contract.milestones.order_by("pk"):
        services.milestone_submit(actor=artist.user, milestone=m, note="Played it.",
                                  disclosure_confirmed=True)  # fmt: skip
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ConflictError, match="handed in"),
    ):
        services.contract_cancel(actor=manager, contract=Contract.objects.get(pk=contract.pk))
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE and contract.cancel_requested_by == ""
    assert set(contract.milestones.values_list("status", flat=True)) == {"submitted"}
    assert not Refund.objects.filter(contract=contract).exists()
    assert contract_balances(contract=contract)["escrow"] == payment.amount


def test_a_cancel_request_lapses_when_either_side_signs(contract, brand_manager, artist):
    services.contract_cancel(actor=artist.user, contract=contract, reason="Injury")
    services.contract_sign(actor=brand_manager, contract=contract, full_name=brand_manager.name,
                           confirm=True)  # fmt: skip
    contract.refresh_from_db()
    assert (contract.cancel_requested_by, contract.cancel_requested_at) == ("", None)
    assert "contract.cancel_request_lapse" in _audit_verbs(contract)
    # The brand's cancel is now a request of its own, not an agreement to a lapsed one.
    contract = services.contract_cancel(actor=brand_manager, contract=contract)
    assert contract.status == Contract.Status.DRAFT and contract.cancel_requested_by == "brand"


@pytest.mark.django_db(transaction=True)
def test_a_cancel_request_lapses_when_the_contract_is_funded(stripe_api):
    from tests.payments.factories import fund, signed_contract

    manager, artist, contract = signed_contract()
    services.contract_cancel(actor=artist.user, contract=contract, reason="Injury")
    fund(manager, contract)
    contract.refresh_from_db()
    assert contract.funded and contract.cancel_requested_by == ""
    assert "contract.cancel_request_lapse" in _audit_verbs(contract)
    contract = services.contract_cancel(actor=manager, contract=contract)
    assert contract.status == Contract.Status.ACTIVE and contract.cancel_requested_by == "brand"


def test_a_cancel_request_lapses_when_a_deliverable_is_submitted(brand_manager, brief, artist):
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    services.contract_cancel(actor=brand_manager, contract=contract, reason="Budget cut")
    first = contract.milestones.order_by("pk").first()
    services.milestone_submit(actor=artist.user, milestone=first, note="Played it.")
    contract.refresh_from_db()
    assert contract.cancel_requested_by == "" and contract.status == Contract.Status.ACTIVE
    assert "contract.cancel_request_lapse" in _audit_verbs(contract)
    with pytest.raises(ConflictError, match="handed in"):
        services.contract_cancel(actor=artist.user, contract=contract)
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.ACTIVE


def test_a_cancel_request_expires_after_the_configured_hours(
    contract, brand_manager, artist, settings, client
):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    settings.AUX_CANCEL_REQUEST_TTL_HOURS = 72
    services.contract_cancel(actor=artist.user, contract=contract, reason="Injury")
    Contract.objects.filter(pk=contract.pk).update(
        cancel_requested_at=timezone.now() - timedelta(hours=73)
    )
    client.force_login(brand_manager)
    page = client.get(reverse("bookings:contract_detail", args=[contract.pk])).content.decode()
    assert "request to cancel expired" in page
    contract = services.contract_cancel(actor=brand_manager, contract=contract)
    assert contract.status == Contract.Status.DRAFT and contract.cancel_requested_by == "brand"
    assert "contract.cancel_request_expire" in _audit_verbs(contract)


def test_a_cancel_request_within_its_time_still_counts(contract, brand_manager, artist, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.AUX_CANCEL_REQUEST_TTL_HOURS = 72
    services.contract_cancel(actor=artist.user, contract=contract, reason="Injury")
    Contract.objects.filter(pk=contract.pk).update(
        cancel_requested_at=timezone.now() - timedelta(hours=71)
    )
    contract = services.contract_cancel(actor=brand_manager, contract=contract)
    assert contract.status == Contract.Status.CANCELLED


@pytest.mark.parametrize("then", ["submitted", "disputed"])
def test_submitted_work_is_never_cancelled_not_even_by_staff(
    then, brand_manager, brief, artist, staff_user
):
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    first = contract.milestones.order_by("pk").first()
    services.milestone_submit(actor=artist.user, milestone=first, note="Played it.")
    if then == "disputed":
        services.dispute_open(actor=brand_manager, milestone=first, reason="Too short")
    contract.refresh_from_db()
    for actor in (brand_manager, artist.user, staff_user):
        with pytest.raises(ConflictError, match="handed in"):
            services.contract_cancel(actor=actor, contract=contract)
    contract.refresh_from_db()
    assert contract.status != Contract.Status.CANCELLED and contract.cancel_requested_by == ""
    first.refresh_from_db()
    assert first.status == then


def test_the_contract_page_says_whether_a_cancel_was_a_request_or_the_cancellation(
    contract, brand_manager, artist, client
):
    from django.urls import reverse

    url = reverse("bookings:contract_action", args=[contract.pk, "cancel"])
    client.force_login(artist.user)
    asked = client.post(url, {"reason": "Injury"}, follow=True).content.decode()
    assert "Your request to cancel is recorded; the other side must agree." in asked
    assert "expires on" in asked
    client.force_login(brand_manager)
    done = client.post(url, {}, follow=True).content.decode()
    assert "The contract is cancelled." in done
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.CANCELLED
