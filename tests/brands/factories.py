import factory

from brands.models import Brand, BrandCategory, Membership
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
