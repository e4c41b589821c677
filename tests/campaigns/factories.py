from datetime import date, timedelta

import factory

from campaigns.briefs.models import Brief, BriefDeliverable
from tests.artists.factories import DeliverableTypeFactory
from tests.brands.factories import BrandFactory


class BriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brief

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    description = "Festival stages across Europe, with social content around each show."
    objective = Brief.Objective.LIVE_EVENT
    territories = ["DE", "FR"]
    budget_min = 500_000
    budget_max = 2_000_000
    currency = "EUR"
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=90))


class BriefDeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BriefDeliverable

    brief = factory.SubFactory(BriefFactory)
    deliverable_type = factory.SubFactory(DeliverableTypeFactory)
    quantity = 2


# --- Bookings: a published brief, an artist with rates, and offers made through the services ------


def booking_brief(brand, *, social: bool = False, **kwargs) -> Brief:
    """A published brief of `brand` asking for 2 live shows (and 3 social posts if `social`)."""
    from tests.artists.factories import DeliverableTypeFactory

    brief = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED, **kwargs)
    show = DeliverableTypeFactory(name="Live show", slug="live-show")
    BriefDeliverableFactory(brief=brief, deliverable_type=show, quantity=2)
    if social:
        post = DeliverableTypeFactory(name="Social post", slug="social-post")
        BriefDeliverableFactory(brief=brief, deliverable_type=post, quantity=3)
    return brief


def booking_artist(**kwargs):
    """An artist (with a named user) whose minimum is €1,000 per live show and €300 per post."""
    from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, RateFactory

    artist = ArtistFactory(**kwargs)
    show = DeliverableTypeFactory(name="Live show", slug="live-show")
    post = DeliverableTypeFactory(name="Social post", slug="social-post")
    RateFactory(artist=artist, deliverable_type=show, min_fee=100_000)
    RateFactory(artist=artist, deliverable_type=post, min_fee=30_000)
    return artist


def make_offer(*, actor, brief, artist, **kwargs):
    from campaigns.bookings.services import offer_create

    return offer_create(actor=actor, brief=brief, artist=artist, **kwargs)


def make_active_contract(*, brand_user, brief, artist):
    """Offer → accepted → signed by both: an active contract with one milestone per line."""
    from campaigns.bookings.services import contract_sign, offer_accept

    offer = make_offer(actor=brand_user, brief=brief, artist=artist)
    offer = offer_accept(actor=artist.user, offer=offer)
    contract = offer.contract
    contract_sign(actor=brand_user, contract=contract, full_name=brand_user.name, confirm=True)
    contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True)
    # Deliverables need a funded contract; funding itself is tested in tests/payments.
    type(contract).objects.filter(pk=contract.pk).update(funded=True)
    contract.refresh_from_db()
    return contract


def make_exclusive_contract(*, artist, start, months: int = 6, category=None, status=None):
    """An artist's contract, signed by both, with another brand (of `category`, Beverages by
    default) holding their exclusivity in that category for `months` from `start`."""
    from datetime import timedelta

    from campaigns.bookings.services import contract_sign, offer_accept
    from tests.brands.factories import BrandCategoryFactory, MembershipFactory

    category = category or BrandCategoryFactory()
    manager = MembershipFactory(role="manager", brand__category=category).user
    brief = booking_brief(manager.memberships.get().brand)
    offer = make_offer(
        actor=manager, brief=brief, artist=artist, start_date=start,
        end_date=start + timedelta(days=30), exclusivity_category=category,
        exclusivity_months=months, confirm_exclusivity_conflict=True,
    )  # fmt: skip
    contract = offer_accept(actor=artist.user, offer=offer).contract
    if status != "draft":
        for user in (manager, artist.user):
            contract_sign(actor=user, contract=contract, full_name=user.name, confirm=True)
    if status not in (None, "draft"):
        type(contract).objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    return contract
