"""Query counts pinned on the pages people open most: booking (offer, contract), brand
(dashboard, team) and notification pages, each with ten rows of everything it lists, so that a
query per row (an N+1) fails here. The payments pages: tests/payments/test_query_counts.py.

A pin is the page's count with this data; a change that needs more queries raises it on purpose,
in the same commit, and says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aux.notifications.models import Channel, Kind
from brands.models import Invitation
from campaigns.bookings import services
from campaigns.briefs.models import Brief
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, RateFactory
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import (
    BriefDeliverableFactory,
    BriefFactory,
    make_active_contract,
    make_offer,
)
from tests.notifications.factories import NotificationFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

ROWS = 10


def _get(client, user, url: str, pin: int, django_assert_max_num_queries) -> str:
    client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, site settings)
    with django_assert_max_num_queries(pin):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def booking(brand, brand_manager):
    """An artist's contract with the brand: ten lines (so ten milestones) and a thread of ten
    messages; a second, open offer countered back and forth ten times."""
    brief = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED, budget_max=50_000_000)
    artist, other = ArtistFactory(), ArtistFactory()
    for i in range(ROWS):
        dtype = DeliverableTypeFactory(name=f"Deliverable {i}", slug=f"deliverable-{i}")
        BriefDeliverableFactory(brief=brief, deliverable_type=dtype, quantity=1)
        for a in (artist, other):
            RateFactory(artist=a, deliverable_type=dtype, min_fee=10_000, currency=brief.currency)
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    for i in range(ROWS):
        author = brand_manager if i % 2 else artist.user
        services.message_post(actor=author, offer=contract.offer, body=f"Message {i}")
    offer = make_offer(actor=brand_manager, brief=brief, artist=other)
    for i in range(ROWS):
        actor = offer.artist.user if i % 2 == 0 else brand_manager
        offer = services.offer_counter(actor=actor, offer=offer, usage_term_months=6 + i)
        services.message_post(actor=actor, offer=offer, body=f"Counter {i}")
    return contract, offer


def test_offer_detail_queries_do_not_grow_with_revisions_and_messages(
    client, booking, brand_manager, django_assert_max_num_queries
):
    _contract, offer = booking
    url = reverse("bookings:offer_detail", args=[offer.pk])
    assert "Counter 9" in _get(client, brand_manager, url, 14, django_assert_max_num_queries)
    _get(client, offer.artist.user, url, 14, django_assert_max_num_queries)


def test_contract_detail_queries_do_not_grow_with_milestones_and_messages(
    client, booking, brand_manager, django_assert_max_num_queries
):
    contract, _offer = booking
    assert contract.milestones.count() == ROWS
    url = reverse("bookings:contract_detail", args=[contract.pk])
    # Constant parts: the payout-splits block (payments' template library, 2-3 queries) and the
    # contract's reviews (1).
    assert "Message 9" in _get(client, brand_manager, url, 26, django_assert_max_num_queries)
    _get(client, contract.artist.user, url, 21, django_assert_max_num_queries)


@pytest.fixture
def team(brand, brand_owner):
    """The brand with ten more members, ten pending invitations and ten briefs."""
    for i in range(ROWS):
        MembershipFactory(brand=brand, role=("manager", "viewer")[i % 2])
        Invitation.objects.create(
            brand=brand, email=f"invitee{i}@example.com", token=f"token-{i}",
            invited_by=brand_owner, expires_at=timezone.now() + timedelta(days=7),
        )  # fmt: skip
        BriefFactory(brand=brand, title=f"Brief {i}")
    return brand


def test_brand_dashboard_queries_do_not_grow_with_briefs_and_team(
    client, team, brand_owner, django_assert_max_num_queries
):
    # 11: the brand's verification state (one query) beside its lists.
    page = _get(client, brand_owner, reverse("brands:dashboard"), 11, django_assert_max_num_queries)
    assert "Brief 9" in page and "invitee9@example.com" in page


def test_brand_team_page_queries_do_not_grow_with_members_and_invitations(
    client, team, brand_owner, django_assert_max_num_queries
):
    url = reverse("brands:team", args=[team.slug])
    assert "invitee9@example.com" in _get(
        client, brand_owner, url, 6, django_assert_max_num_queries
    )


@pytest.fixture
def inbox(brand):
    """A user with ten notifications of different kinds, each from another actor, about
    another object."""
    user = UserFactory()
    kinds = [Kind.OFFER_RECEIVED, Kind.CONTRACT_READY, Kind.PAYOUT_SENT, Kind.MESSAGE_NEW,
             Kind.DISPUTE_OPENED]  # fmt: skip
    for i in range(ROWS):
        NotificationFactory(
            recipient=user, kind=kinds[i % len(kinds)], actor=UserFactory(),
            target=BriefFactory(brand=brand), channel=Channel.IN_APP,
            text="%(actor)s sent you an offer", params={"actor": f"Person {i}"},
        )  # fmt: skip
    return user


@pytest.mark.parametrize(("name", "pin"), [("notifications:list", 6), ("notifications:bell", 3)])
def test_notification_pages_queries_do_not_grow_with_notifications(
    client, inbox, name, pin, django_assert_max_num_queries
):
    _get(client, inbox, reverse(name), pin, django_assert_max_num_queries)


def test_notification_preferences_query_count_is_pinned(
    client, inbox, django_assert_max_num_queries
):
    _get(client, inbox, reverse("notifications:preferences"), 4, django_assert_max_num_queries)
