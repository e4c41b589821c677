"""The bookings services payments calls (contract_mark_funded, milestone_mark_paid) and the hooks
bookings announce to payments: payments never writes a booking's state itself."""

import pytest

from aux.audit.models import AuditEvent
from aux.errors import ConflictError
from aux.notifications.models import Notification
from campaigns.bookings import hooks, services
from campaigns.bookings.models import Contract, Milestone

pytestmark = pytest.mark.django_db


def _approved(contract) -> Milestone:
    milestone = contract.milestones.order_by("pk").first()
    Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.APPROVED)
    return milestone


def test_milestone_mark_paid_moves_an_approved_deliverable_to_paid_and_audits_it(contract):
    milestone = _approved(contract)
    services.milestone_mark_paid(milestone_id=milestone.pk)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PAID and milestone.paid_at is not None
    assert (
        AuditEvent.objects.filter(verb="milestone.paid", target_id=str(milestone.pk)).count() == 1
    )


def test_milestone_mark_paid_refuses_a_deliverable_that_is_not_approved(contract):
    milestone = contract.milestones.order_by("pk").first()
    assert milestone.status == Milestone.Status.PENDING
    with pytest.raises(ConflictError, match="cannot become paid"):
        services.milestone_mark_paid(milestone_id=milestone.pk)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PENDING and milestone.paid_at is None


def test_milestone_mark_paid_a_second_time_changes_nothing(contract):
    milestone = _approved(contract)
    services.milestone_mark_paid(milestone_id=milestone.pk)
    first = Milestone.objects.get(pk=milestone.pk).paid_at
    services.milestone_mark_paid(milestone_id=milestone.pk)
    assert Milestone.objects.get(pk=milestone.pk).paid_at == first
    assert AuditEvent.objects.filter(verb="milestone.paid").count() == 1


def test_contract_mark_funded_lapses_a_pending_cancel_request_audits_and_tells_both_sides(
    contract, brand_manager, django_capture_on_commit_callbacks
):
    Contract.objects.filter(pk=contract.pk).update(
        funded=False, cancel_requested_by="artist", cancel_reason="changed my mind"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_mark_funded(contract_id=contract.pk, payment_id=7, gross=123)
    contract.refresh_from_db()
    assert contract.funded and contract.funded_at is not None
    assert contract.cancel_requested_by == "" and contract.cancel_reason == ""
    event = AuditEvent.objects.get(verb="contract.fund", target_id=str(contract.pk))
    assert event.data == {"payment": 7, "gross": 123}
    told = set(
        Notification.objects.filter(kind="contract.funded").values_list("recipient", flat=True)
    )
    assert told == {contract.artist.user_id, brand_manager.pk}


def test_a_second_funding_keeps_the_time_of_the_first(contract):
    Contract.objects.filter(pk=contract.pk).update(funded=False)
    services.contract_mark_funded(contract_id=contract.pk, payment_id=1, gross=100)
    first = Contract.objects.get(pk=contract.pk).funded_at
    services.contract_mark_funded(contract_id=contract.pk, payment_id=2, gross=100)
    assert Contract.objects.get(pk=contract.pk).funded_at == first
    assert AuditEvent.objects.filter(verb="contract.fund").count() == 2


def test_hooks_reach_their_receivers_only_after_the_commit(
    contract, brand_manager, django_capture_on_commit_callbacks
):
    heard = []

    def listener(*, contract_id, **_):
        heard.append(contract_id)

    hooks.contract_cancelled.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.contract_cancel(actor=brand_manager, contract=contract)
            services.contract_cancel(actor=contract.artist.user, contract=contract)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert heard == [contract.pk]
    finally:
        hooks.contract_cancelled.disconnect(listener)


def test_payments_subscribes_to_every_bookings_hook():
    for hook in (
        hooks.contract_signed,
        hooks.contract_cancelled,
        hooks.milestone_approved,
        hooks.dispute_resolved,
    ):
        assert hook.has_listeners(), hook
