"""A small world where every party owns something, for the permission matrix and the fuzzer.

Brand A (owner, manager, viewer) has a draft brief, a published brief with an open offer to
artist A, and a second published brief with an active contract with artist A. Brand B and
artist B own their own things and must never reach A's.
"""

from dataclasses import dataclass, field

from django.utils.http import int_to_base36

from artists.models import Artist
from aux.users.models import User
from brands.models import Brand, Invitation, Membership
from campaigns.bookings.models import Contract, Milestone, Offer
from campaigns.briefs.models import Brief
from tests.brands.factories import BrandFactory, InvitationFactory, MembershipFactory
from tests.campaigns.factories import (
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)
from tests.notifications.factories import NotificationFactory
from tests.users.factories import UserFactory

ROLES = ("anon", "artist_a", "artist_b", "owner_a", "manager_a", "viewer_a", "member_b", "staff")


@dataclass
class World:
    artist_a: Artist
    artist_b: Artist
    brand_a: Brand
    brand_b: Brand
    owner_a: User
    manager_a: User
    viewer_a: User
    member_b: User
    staff: User
    draft_a: Brief
    published_a: Brief
    contract_brief_a: Brief
    draft_b: Brief
    offer: Offer
    contract: Contract
    milestone: Milestone
    viewer_membership: Membership
    invitation: Invitation
    notification_a: object
    open_call_a: Brief = None
    application: object = None
    users: dict = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users.get(role)


def _draft(brief: Brief) -> Brief:
    Brief.objects.filter(pk=brief.pk).update(status=Brief.Status.DRAFT, published_at=None)
    brief.refresh_from_db()
    return brief


def build_world() -> World:
    artist_a = booking_artist(
        stage_name="Artist A",
        slug="artist-a",
        user=UserFactory(email="artist-a@example.com", role="artist"),
    )
    artist_b = booking_artist(
        stage_name="Artist B",
        slug="artist-b",
        user=UserFactory(email="artist-b@example.com", role="artist"),
    )
    brand_a = BrandFactory(name="Brand A", slug="brand-a")
    brand_b = BrandFactory(name="Brand B", slug="brand-b")

    def member(email: str, brand: Brand, role: str) -> Membership:
        user = UserFactory(email=email, role="brand")
        return MembershipFactory(user=user, brand=brand, role=role)

    owner_a = member("owner-a@example.com", brand_a, "owner").user
    manager_a = member("manager-a@example.com", brand_a, "manager").user
    viewer_membership = member("viewer-a@example.com", brand_a, "viewer")
    member_b = member("owner-b@example.com", brand_b, "owner").user
    staff = UserFactory(email="staff@example.com", role="staff", is_staff=True, is_superuser=True)

    draft_a = _draft(booking_brief(brand_a, title="A draft"))
    published_a = booking_brief(brand_a, title="A published")
    contract_brief_a = booking_brief(brand_a, title="A booked")
    draft_b = _draft(booking_brief(brand_b, title="B draft"))
    booking_brief(brand_b, title="B published")

    offer = make_offer(actor=owner_a, brief=published_a, artist=artist_a)
    contract = make_active_contract(brand_user=owner_a, brief=contract_brief_a, artist=artist_a)
    milestone = contract.milestones.order_by("pk").first()
    invitation = InvitationFactory(brand=brand_a, invited_by=owner_a)
    open_call_a = booking_brief(brand_a, title="A open call")
    application = None
    if hasattr(Brief, "open_call"):  # open calls (campaigns.Application)
        from campaigns.bookings.models import Application

        Brief.objects.filter(pk=open_call_a.pk).update(open_call=True)
        application = Application.objects.create(
            brief=open_call_a, artist=artist_a, pitch="Pick me", proposed_fee=250_000
        )
    notification_a = NotificationFactory(recipient=artist_a.user)
    NotificationFactory(recipient=owner_a)

    world = World(
        artist_a=artist_a,
        artist_b=artist_b,
        brand_a=brand_a,
        brand_b=brand_b,
        owner_a=owner_a,
        manager_a=manager_a,
        viewer_a=viewer_membership.user,
        member_b=member_b,
        staff=staff,
        draft_a=draft_a,
        published_a=published_a,
        contract_brief_a=contract_brief_a,
        draft_b=draft_b,
        offer=offer,
        contract=contract,
        milestone=milestone,
        viewer_membership=viewer_membership,
        invitation=invitation,
        notification_a=notification_a,
        open_call_a=open_call_a,
        application=application,
    )
    world.users = {
        "anon": None,
        "artist_a": artist_a.user,
        "artist_b": artist_b.user,
        "owner_a": owner_a,
        "manager_a": manager_a,
        "viewer_a": world.viewer_a,
        "member_b": member_b,
        "staff": staff,
    }
    return world


def reset_key_kwargs(user: User) -> dict:
    from allauth.account.forms import default_token_generator

    return {"uidb36": int_to_base36(user.pk), "key": default_token_generator.make_token(user)}
