"""Which brand members are told of a notification kind: chosen by brand role, in brands (the
notifications kernel receives its recipients from the caller)."""

import pytest

from aux.notifications.models import Kind
from brands.recipients import brand_recipients
from tests.brands.factories import BrandFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_brand_recipients_picks_roles_of_that_brand_only():
    brand, other = BrandFactory(), BrandFactory()
    owner = MembershipFactory(brand=brand, role="owner").user
    manager = MembershipFactory(brand=brand, role="manager").user
    viewer = MembershipFactory(brand=brand, role="viewer").user
    MembershipFactory(brand=other, role="owner")
    gone = MembershipFactory(brand=brand, role="owner").user
    gone.is_active = False
    gone.save()

    assert brand_recipients(brand, kind=Kind.OFFER_RECEIVED) == [owner, manager]
    assert brand_recipients(brand, kind=Kind.PAYOUT_SENT) == [owner, manager, viewer]
    assert brand_recipients(brand, roles=["viewer"]) == [viewer]
