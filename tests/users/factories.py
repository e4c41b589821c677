import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from aux.users.models import User

PASSWORD = "correct-horse-battery-staple"
# Hash once: PBKDF2 per user would make every test that creates users slow.
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose e-mail address is verified (allauth's EmailAddress), as after signup and
    confirmation; `UserFactory(verified=False)` gives one who never confirmed it."""

    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    role = User.Role.ARTIST
    password = _PASSWORD_HASH

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if not create:
            return
        EmailAddress.objects.update_or_create(
            user=self,
            email=self.email.lower(),
            defaults={"primary": True, "verified": extracted is not False},
        )
