"""Periodic sweeps redo the work whose task never reached a worker (the broker was down when the
change committed, see aux/dispatch.py): each finds the work still missing after a few minutes,
does it once, and finds nothing the next time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aux.notifications import services as notifications
from aux.notifications.models import Channel
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract
from campaigns.briefs import services as briefs
from campaigns.briefs.models import Brief
from payments import services as payments
from payments.models import Refund
from tests.campaigns.factories import (
    BriefDeliverableFactory,
    BriefFactory,
    booking_artist,
    booking_brief,
    make_active_contract,
)
from tests.notifications.factories import NotificationFactory
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

pytestmark = pytest.mark.django_db

AGO = timedelta(minutes=10)


def test_a_contract_signed_without_its_pdf_gets_it_from_the_sweep(
    brand, brand_owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Signed outside captured commit hooks: the PDF task was never queued.
    contract = make_active_contract(
        brand_user=brand_owner, brief=booking_brief(brand), artist=booking_artist()
    )
    assert not Contract.objects.get(pk=contract.pk).pdf
    assert bookings.background_sweep() == 0  # a fresh signature: its task may still be queued
    Contract.objects.filter(pk=contract.pk).update(signed_at=timezone.now() - AGO)
    assert bookings.background_sweep() == 1
    assert Contract.objects.get(pk=contract.pk).pdf.read(5) == b"%PDF-"
    assert bookings.background_sweep() == 0


def test_a_published_brief_that_was_never_ranked_is_ranked_by_the_sweep(brand, brand_owner):
    brief = BriefFactory(brand=brand)
    BriefDeliverableFactory(brief=brief)
    briefs.brief_publish(actor=brand_owner, brief=brief)  # its ranking hook never ran
    Brief.objects.filter(pk=brief.pk).update(published_at=timezone.now() - AGO)
    assert Brief.objects.get(pk=brief.pk).matches_computed_at is None
    assert bookings.background_sweep() == 1
    assert Brief.objects.get(pk=brief.pk).matches_computed_at is not None
    assert bookings.background_sweep() == 0


def test_an_immediate_email_never_sent_is_sent_once_by_the_sweep(mailoutbox):
    n = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE)
    old = NotificationFactory(channel=Channel.EMAIL_IMMEDIATE)
    type(n).objects.filter(pk=n.pk).update(created_at=timezone.now() - AGO)
    type(n).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert notifications.emails_sweep() == 1  # not the fresh one, not the one days old
    assert [m.to for m in mailoutbox] == [[n.recipient.email]]
    assert notifications.emails_sweep() == 0


def test_a_dispute_decision_whose_refund_never_ran_is_refunded_once_by_the_sweep(
    stripe_api, staff_user, django_capture_on_commit_callbacks
):
    manager, artist, contract = signed_contract()
    fund(manager, contract)
    milestone = contract.milestones.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=milestone, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        dispute = bookings.dispute_open(actor=manager, milestone=milestone, reason="late")
    # Decided, but the refund hook never ran (not executed: as if the broker were down).
    bookings.dispute_resolve(actor=staff_user, dispute=dispute, decision="cancel",
                             decision_text="not delivered")  # fmt: skip
    assert not Refund.objects.filter(contract=contract).exists()
    type(dispute).objects.filter(pk=dispute.pk).update(resolved_at=timezone.now() - AGO)
    assert payments.payments_sweep() == 1
    (refund,) = Refund.objects.filter(contract=contract)
    assert refund.amount == milestone.amount and refund.status == Refund.Status.SUCCEEDED
    assert payments.payments_sweep() == 0
