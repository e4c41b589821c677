"""Staff editing a brand in the admin: a slug our addresses use for pages of their own (the one
list of aux.utils.RESERVED_SLUGS, which sign-up avoids too) is refused."""

import pytest
from django.urls import reverse

from aux.audit.models import AuditEvent
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["dashboard", "invitations", "new", "api"])
def test_the_admin_refuses_a_reserved_slug(client, brand, slug):
    staff = UserFactory(role="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    old = brand.slug
    response = client.post(
        reverse("admin:brands_brand_change", args=[brand.pk]),
        {
            "name": brand.name,
            "slug": slug,
            "category": brand.category_id or "",
            "website": "",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "reserved" in response.content.decode()
    brand.refresh_from_db()
    assert brand.slug == old


def test_an_admin_edit_of_the_brand_is_audited(client, brand):
    staff = UserFactory(role="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:brands_brand_change", args=[brand.pk]),
        {
            "name": brand.name,
            "slug": brand.slug,
            "category": brand.category_id or "",
            "website": "https://example.com/",
            "description": brand.description,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="brand.admin_updated", target_id=str(brand.pk))
    assert event.actor == staff and event.data == {"fields": ["website"]}
