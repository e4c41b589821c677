from datetime import date, timedelta

import factory

from campaigns.models import Brief, BriefDeliverable
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
