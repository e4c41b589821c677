"""Each booking step tells the right people, and nobody else (other brands, other artists)."""

import pytest

from aux.notifications.models import Notification
from campaigns.bookings import services
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(brand, brand_owner, brand_manager, brand_viewer):
    """A brand with three members, an artist, and bystanders who must never hear anything."""
    brief = booking_brief(brand)
    artist = booking_artist()
    bystanders = [booking_artist().user, MembershipFactory(brand=BrandFactory()).user]
    return {
        "brief": brief, "artist": artist, "owner": brand_owner, "manager": brand_manager,
        "viewer": brand_viewer, "bystanders": bystanders,
    }  # fmt: skip


def _kinds_by_user(users) -> dict:
    return {
        u.email: sorted(Notification.objects.filter(recipient=u).values_list("kind", flat=True))
        for u in users
    }


def _step(django_capture_on_commit_callbacks, action):
    # Run the service, then the on-commit callbacks it queued (and those they queue in turn).
    with django_capture_on_commit_callbacks(execute=True):
        return action()


def test_offer_to_contract_notifies_each_side_by_role(cast, django_capture_on_commit_callbacks):
    c, run = cast, django_capture_on_commit_callbacks
    artist_user = c["artist"].user
    offer = _step(run, lambda: make_offer(actor=c["manager"], brief=c["brief"], artist=c["artist"]))
    assert _kinds_by_user([artist_user, c["owner"], c["manager"], c["viewer"]]) == {
        artist_user.email: ["offer.received"], c["owner"].email: [], c["manager"].email: [],
        c["viewer"].email: [],
    }  # fmt: skip

    Notification.objects.all().delete()
    offer = _step(run, lambda: services.offer_accept(actor=artist_user, offer=offer))
    kinds = _kinds_by_user([artist_user, c["owner"], c["manager"], c["viewer"]])
    # The brand's deciders hear of the acceptance and the contract; the artist of the contract.
    assert kinds[c["owner"].email] == ["contract.ready", "offer.accepted"]
    assert kinds[c["manager"].email] == ["contract.ready", "offer.accepted"]
    assert kinds[c["viewer"].email] == []
    assert kinds[artist_user.email] == ["contract.ready"]  # not told of their own acceptance

    Notification.objects.all().delete()
    contract = offer.contract
    sign = services.contract_sign
    _step(run, lambda: sign(actor=c["owner"], contract=contract, full_name=c["owner"].name,
                            confirm=True))  # fmt: skip
    assert _kinds_by_user([artist_user])[artist_user.email] == ["contract.signed_by_other"]
    _step(run, lambda: sign(actor=artist_user, contract=contract, full_name=artist_user.name,
                            confirm=True))  # fmt: skip
    assert "contract.active" in _kinds_by_user([c["viewer"]])[c["viewer"].email]
    assert Notification.objects.filter(recipient__in=c["bystanders"]).count() == 0
    note = Notification.objects.filter(recipient=c["viewer"], kind="contract.active").get()
    assert note.url == f"/bookings/contracts/{contract.pk}/"
    assert c["brief"].title in note.message


def test_a_declined_offer_tells_the_brand_deciders_only(cast, django_capture_on_commit_callbacks):
    c, run = cast, django_capture_on_commit_callbacks
    offer = _step(run, lambda: make_offer(actor=c["owner"], brief=c["brief"], artist=c["artist"]))
    _step(run, lambda: services.offer_decline(actor=c["artist"].user, offer=offer, reason="Busy"))
    declined = Notification.objects.filter(kind="offer.declined")
    assert set(declined.values_list("recipient", flat=True)) == {c["owner"].pk, c["manager"].pk}


def test_nothing_is_told_when_the_step_rolls_back(cast, django_capture_on_commit_callbacks):
    c = cast
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            make_offer(actor=c["manager"], brief=c["brief"], artist=c["artist"])
            raise RuntimeError("boom")
    assert not Notification.objects.exists()


def test_a_team_invitation_reaches_an_existing_account_in_the_site_without_its_token(
    brand, brand_owner, django_capture_on_commit_callbacks
):
    from brands.services import invitation_create
    from tests.users.factories import UserFactory

    invitee = UserFactory(email="Joiner@example.com", role="brand")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=brand_owner, brand=brand, email="joiner@example.com", role="manager"
        )
    note = Notification.objects.get(recipient=invitee)
    assert note.kind == "team.invitation"
    # The link to accept travels by e-mail only (tests/brands/test_invitation_security.py).
    assert invitation.token not in note.url
