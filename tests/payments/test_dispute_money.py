"""The contract's money summary (issue 16): what the escrow was funded with, paid to the
artist, refunded to the brand, awarded by dispute and still holds, read from the ledger through
the hook payments registers (campaigns.bookings.hooks), on the contract page and in the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.bookings import services as bookings
from payments.models import Refund

from .factories import fund, signed_contract

pytestmark = pytest.mark.django_db


def test_the_money_summary_shows_paid_refunded_awarded_and_still_in_escrow(
    stripe_api, client, django_capture_on_commit_callbacks, staff_user
):
    manager, artist, contract = signed_contract()
    payment = fund(manager, contract)
    first, second = contract.milestones.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        bookings.milestone_submit(actor=artist.user, milestone=first, note="x",
                                  disclosure_confirmed=True)  # fmt: skip
        dispute = bookings.dispute_open(actor=manager, milestone=first, reason="late")
    award = first.amount * 2 // 3
    with django_capture_on_commit_callbacks(execute=True):
        bookings.dispute_resolve(actor=staff_user, dispute=dispute, decision="partial",
                                 decision_text="two thirds", amount=award)  # fmt: skip
    refund = Refund.objects.get(contract=contract)
    expected = {
        "currency": contract.currency,
        "funded": payment.amount,
        "paid_to_artist": award,
        "refunded_to_brand": first.amount - award,
        "fee_refunded": refund.fee_amount,
        "in_escrow": second.amount,
        "awarded_by_dispute": award,
        "refunded_by_dispute": first.amount - award,
    }
    for user in (artist.user, manager):
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/v1/contracts/{contract.pk}/").json()["money"] == expected
    client.force_login(artist.user)
    html = client.get(reverse("bookings:contract_detail", args=[contract.pk])).content.decode()
    section = html[html.index('id="money"') :]
    section = section[: section.index("</section>")]
    from aux.money import format_money

    for label, key in [
        ("Funded in escrow", "funded"),
        ("Paid to the artist", "paid_to_artist"),
        ("Refunded to the brand", "refunded_to_brand"),
        ("Awarded to the artist by dispute decisions", "awarded_by_dispute"),
        ("Still in escrow", "in_escrow"),
    ]:
        assert f"<dt>{label}</dt><dd>{format_money(expected[key], 'EUR')}" in section, label


def test_no_money_summary_before_the_escrow_is_funded(stripe_api, client):
    manager, _artist, contract = signed_contract()
    api = APIClient()
    api.force_authenticate(manager)
    assert api.get(f"/api/v1/contracts/{contract.pk}/").json()["money"] is None
    client.force_login(manager)
    html = client.get(reverse("bookings:contract_detail", args=[contract.pk])).content.decode()
    assert 'id="money"' not in html
