import factory
from django.contrib.auth.hashers import make_password

from aux.users.models import User

PASSWORD = "correct-horse-battery-staple"
# Hash once: PBKDF2 per user would make every test that creates users slow.
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    role = User.Role.ARTIST
    password = _PASSWORD_HASH
