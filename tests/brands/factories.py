from datetime import timedelta

import factory
from django.utils import timezone

from brands.models import Brand, BrandCategory, Invitation, Membership
from tests.users.factories import UserFactory


class BrandCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandCategory
        django_get_or_create = ["slug"]

    name = "Beverages"
    slug = "beverages"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    category = factory.SubFactory(BrandCategoryFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role="brand")
    brand = factory.SubFactory(BrandFactory)
    role = Membership.Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    brand = factory.SubFactory(BrandFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.VIEWER
    token = factory.Sequence(lambda n: f"test-token-{n:04d}-" + "x" * 30)
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
        )
