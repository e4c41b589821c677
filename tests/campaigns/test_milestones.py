"""Deliverables: submit with proof, approve or request changes, auto-approval, overdue, disputes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aux.errors import ConflictError, PermissionDeniedError
from campaigns.bookings import services
from campaigns.bookings.models import Contract, Dispute, Milestone
from campaigns.bookings.tasks import milestones_auto_approve, milestones_flag_overdue
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(contract):
    return contract.milestones.get(is_social=False)


@pytest.fixture
def post(contract):
    return contract.milestones.get(is_social=True)


def test_submit_then_approve_is_final_and_completes_the_contract(
    contract, show, post, artist, brand_manager
):
    show = services.milestone_submit(
        actor=artist.user, milestone=show, note="Played for 90 minutes",
        links=["https://video.example/show"],
    )  # fmt: skip
    assert show.status == Milestone.Status.SUBMITTED
    assert show.review_due_at - show.submitted_at == timedelta(days=7)
    show = services.milestone_approve(actor=brand_manager, milestone=show)
    assert show.status == Milestone.Status.APPROVED and show.approved_amount == show.amount
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    services.milestone_submit(actor=artist.user, milestone=post, note="Posted",
                              disclosure_confirmed=True)  # fmt: skip
    services.milestone_approve(actor=brand_manager, milestone=post)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED


def test_a_social_deliverable_needs_the_disclosure_confirmed(post, artist):
    with pytest.raises(ValidationError, match="paid-partnership"):
        services.milestone_submit(actor=artist.user, milestone=post, note="Posted")
    post.refresh_from_db()
    assert post.status == Milestone.Status.PENDING


def test_proof_links_must_be_web_addresses(show, artist):
    with pytest.raises(ValidationError, match="Not a web address"):
        services.milestone_submit(actor=artist.user, milestone=show, links=["javascript:alert(1)"])


def test_a_change_request_reopens_the_deliverable(show, artist, brand_manager):
    services.milestone_submit(actor=artist.user, milestone=show, note="v1")
    with pytest.raises(ValidationError):
        services.milestone_request_changes(actor=brand_manager, milestone=show, reason=" ")
    show = services.milestone_request_changes(
        actor=brand_manager, milestone=show, reason="Logo missing"
    )
    assert show.status == Milestone.Status.CHANGES_REQUESTED and show.review_due_at is None
    show = services.milestone_submit(actor=artist.user, milestone=show, note="v2")
    assert show.status == Milestone.Status.SUBMITTED


def test_nothing_is_submitted_before_both_sides_signed(brand, brand_manager, artist):
    offer = services.offer_create(actor=brand_manager, brief=booking_brief(brand), artist=artist)
    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    with pytest.raises(ConflictError, match="awaiting signatures"):
        services.milestone_submit(actor=artist.user, milestone=contract.milestones.get(),
                                  note="Early")  # fmt: skip


# (state, action) → new state; every other pair is a conflict. Actions by their rightful side.
ALLOWED = {
    ("pending", "submit"): "submitted",
    ("changes_requested", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "request_changes"): "changes_requested",
    ("submitted", "dispute"): "disputed",
}


def run(action, milestone, artist, brand_manager):
    if action == "submit":
        return services.milestone_submit(actor=artist.user, milestone=milestone, note="x")
    if action == "approve":
        return services.milestone_approve(actor=brand_manager, milestone=milestone)
    if action == "request_changes":
        return services.milestone_request_changes(
            actor=brand_manager, milestone=milestone, reason="y"
        )
    return services.dispute_open(actor=artist.user, milestone=milestone, reason="z").milestone


@pytest.mark.parametrize("action", ["submit", "approve", "request_changes", "dispute"])
@pytest.mark.parametrize("state", [s.value for s in Milestone.Status])
def test_milestone_state_machine(state, action, show, artist, brand_manager):
    Milestone.objects.filter(pk=show.pk).update(status=state)
    show.refresh_from_db()
    expected = ALLOWED.get((state, action))
    if expected:
        assert run(action, show, artist, brand_manager).status == expected
        return
    with pytest.raises(ConflictError) as exc:
        run(action, show, artist, brand_manager)
    assert Milestone.Status(state).label.lower() in exc.value.message
    show.refresh_from_db()
    assert show.status == state


@pytest.mark.parametrize("action", ["submit", "approve", "request_changes"])
def test_only_the_rightful_side_acts_on_a_deliverable(action, show, artist, brand, brand_manager):
    services.milestone_submit(actor=artist.user, milestone=show, note="x") if action != (
        "submit"
    ) else None
    wrong = brand_manager if action == "submit" else artist.user
    outsiders = [
        wrong,
        MembershipFactory(brand=brand, role="viewer").user,
        booking_artist().user,
        MembershipFactory(role="owner").user,
    ]
    for actor in outsiders:
        with pytest.raises(PermissionDeniedError):
            run(action, show, type("A", (), {"user": actor}), actor)


def test_silence_approves_after_the_review_window(show, artist):
    services.milestone_submit(actor=artist.user, milestone=show, note="done")
    assert milestones_auto_approve.delay().get() == 0
    Milestone.objects.filter(pk=show.pk).update(review_due_at=timezone.now() - timedelta(seconds=1))
    assert milestones_auto_approve.delay().get() == 1
    show.refresh_from_db()
    assert show.status == Milestone.Status.APPROVED and show.auto_approved
    assert show.approved_by is None
    assert milestones_auto_approve.delay().get() == 0


def test_overdue_deliverables_are_flagged_once(show, post):
    Milestone.objects.filter(pk=show.pk).update(due_date=date.today() - timedelta(days=1))
    assert milestones_flag_overdue.delay().get() == 1
    show.refresh_from_db()
    assert show.overdue_flagged_at is not None
    assert milestones_flag_overdue.delay().get() == 0


def test_a_dispute_freezes_the_deliverable_and_staff_decide_a_partial_amount(
    contract, show, artist, brand_manager, staff_user
):
    services.milestone_submit(actor=artist.user, milestone=show, note="done")
    dispute = services.dispute_open(actor=brand_manager, milestone=show, reason="Half the set")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DISPUTED
    with pytest.raises(PermissionDeniedError):
        services.dispute_resolve(actor=brand_manager, dispute=dispute, decision="cancel",
                                 decision_text="no")  # fmt: skip
    with pytest.raises(ValidationError):
        services.dispute_resolve(actor=staff_user, dispute=dispute, decision="partial",
                                 decision_text="Half", amount=show.amount)  # fmt: skip
    dispute = services.dispute_resolve(
        actor=staff_user, dispute=dispute, decision="partial", decision_text="Half was played.",
        amount=show.amount // 2,
    )  # fmt: skip
    show.refresh_from_db()
    contract.refresh_from_db()
    assert dispute.status == Dispute.Status.RESOLVED and dispute.amount == show.amount // 2
    assert show.status == Milestone.Status.APPROVED and show.approved_amount == show.amount // 2
    assert contract.status == Contract.Status.ACTIVE
    with pytest.raises(ConflictError, match="resolved already"):
        services.dispute_resolve(actor=staff_user, dispute=dispute, decision="approve",
                                 decision_text="again")  # fmt: skip


def test_staff_can_cancel_a_disputed_deliverable(show, artist, staff_user):
    services.milestone_submit(actor=artist.user, milestone=show, note="done")
    dispute = services.dispute_open(actor=artist.user, milestone=show, reason="No answer")
    services.dispute_resolve(actor=staff_user, dispute=dispute, decision="cancel",
                             decision_text="Not delivered.")  # fmt: skip
    show.refresh_from_db()
    assert show.status == Milestone.Status.CANCELLED


def test_the_artist_is_offered_submit_for_review_only_once_the_contract_is_funded(
    client, contract, artist
):
    url = f"/bookings/contracts/{contract.pk}/"
    client.force_login(artist.user)
    Contract.objects.filter(pk=contract.pk).update(funded=False)
    page = client.get(url).content.decode()
    assert "Submit for review" not in page
    assert "once the brand has funded the contract" in page
    Contract.objects.filter(pk=contract.pk).update(funded=True)
    page = client.get(url).content.decode()
    assert "Submit for review" in page and "once the brand has funded" not in page
