"""Who is staff has one definition: Django's `is_staff` (the admin, every staff-only rule and the
landing page read it). The "staff" role is only ever held with it: the database refuses a staff
role without staff status, so no rule needs to look at the role as well."""

import pytest
from django.db import IntegrityError

from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_staff_role_without_staff_status_is_refused():
    with pytest.raises(IntegrityError):
        UserFactory(role="staff", is_staff=False)


def test_staff_status_with_another_role_is_allowed():
    assert UserFactory(role="brand", is_staff=True).is_staff
