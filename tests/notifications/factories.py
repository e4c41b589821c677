import factory

from aux.notifications.models import Channel, Kind, Notification, NotificationPreference
from tests.users.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.OFFER_RECEIVED
    channel = Channel.IN_APP
    text = factory.Sequence(lambda n: f"Notification {n}")
    url = "/dashboard/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = Kind.OFFER_RECEIVED
    channel = Channel.IN_APP
