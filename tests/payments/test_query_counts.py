"""Query counts pinned on the payments pages (earnings, payout status, fund, receipt, the ledger
CSV) with ten funded contracts, each with a payout sent, so that a query per row (an N+1) fails
here. Money moves through the fake Stripe, as everywhere in these tests.

A pin is the page's count with this data; a change that needs more queries raises it on purpose,
in the same commit, and says why."""

import pytest
from django.urls import reverse

from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

from .factories import fund, onboard

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 10


@pytest.fixture
def paid(stripe_api, django_capture_on_commit_callbacks):
    """One brand manager and one artist with ten contracts, each funded and one milestone paid."""
    manager = MembershipFactory(role="manager").user
    brand = manager.memberships.get().brand
    artist = booking_artist()
    onboard(artist.user)
    contracts = []
    for _ in range(ROWS):
        offer = make_offer(actor=manager, brief=booking_brief(brand), artist=artist)
        contract = bookings.offer_accept(actor=artist.user, offer=offer).contract
        for user in (manager, artist.user):
            bookings.contract_sign(actor=user, contract=contract, full_name=user.name, confirm=True)
        contract = Contract.objects.get(pk=contract.pk)
        fund(manager, contract)
        milestone = contract.milestones.order_by("pk").first()
        with django_capture_on_commit_callbacks(execute=True):
            bookings.milestone_submit(actor=artist.user, milestone=milestone, note="done",
                                      disclosure_confirmed=True)  # fmt: skip
            bookings.milestone_approve(actor=manager, milestone=milestone)
        contracts.append(contract)
    assert artist.user.payouts.count() == ROWS
    return manager, artist, contracts


def _get(client, user, url: str, pin: int, django_assert_max_num_queries) -> None:
    client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, site settings)
    with django_assert_max_num_queries(pin):
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)


def test_payments_pages_queries_do_not_grow_with_contracts_and_payouts(
    client, paid, django_assert_max_num_queries
):
    manager, artist, contracts = paid
    pinned = [
        (artist.user, reverse("payments:earnings"), 12),
        (artist.user, reverse("payments:payout_status"), 3),
        (artist.user, reverse("payments:earnings_ledger_csv"), 3),
        (manager, reverse("payments:receipt", args=[contracts[0].pk]), 8),
        (manager, reverse("payments:fund", args=[contracts[0].pk]), 5),
    ]
    for user, url, pin in pinned:
        _get(client, user, url, pin, django_assert_max_num_queries)
