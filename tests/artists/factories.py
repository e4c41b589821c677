import factory

from artists.models import Artist, DeliverableType, Genre, Mood, Rate
from tests.users.factories import UserFactory


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class MoodFactory(GenreFactory):
    class Meta:
        model = Mood
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Mood {n}")


class DeliverableTypeFactory(GenreFactory):
    class Meta:
        model = DeliverableType
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Deliverable {n}")


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    user = factory.SubFactory(UserFactory, role="artist")
    stage_name = factory.Sequence(lambda n: f"Artist {n}")
    slug = factory.Sequence(lambda n: f"artist-{n}")
    country = "DE"
    city = "Berlin"
    monthly_listeners = 120_000


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    artist = factory.SubFactory(ArtistFactory)
    deliverable_type = factory.SubFactory(DeliverableTypeFactory)
    min_fee = 100_000
    currency = "EUR"
