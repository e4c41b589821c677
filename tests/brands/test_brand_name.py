"""A brand name is one line of text: CR/LF (and other control characters) are refused where the
name comes in: the service, the settings form, the API, the admin and brand sign-up.

A name with a line break ends up in e-mail subjects ("Join %(brand)s on AUX") and CSV exports.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from aux.users.models import User
from brands import services
from brands.models import Brand
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

BAD_NAMES = ["Acme\r\nBcc: victim@example.com", "Acme\nCorp", "Acme\rCorp", "Acme\x00", "Ac\x85me"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_service_refuses_a_brand_name_with_a_line_break(name, brand, brand_owner):
    with pytest.raises(ValidationError) as exc:
        services.brand_create(owner=UserFactory(role="brand"), name=name)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.brand_update(actor=brand_owner, brand=brand, data={"name": name})
    assert "name" in exc.value.message_dict
    assert not Brand.objects.filter(name__contains="Acme").exists()


def test_the_refusal_says_why():
    with pytest.raises(ValidationError) as exc:
        services.brand_create(owner=UserFactory(role="brand"), name="Acme\nCorp")
    assert "one line" in exc.value.message_dict["name"][0]


def test_the_settings_form_shows_the_refusal(client, brand, brand_owner):
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:settings", args=[brand.slug]),
        {"name": "Acme\r\nCorp", "category": brand.category_id},
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    brand.refresh_from_db()
    assert "\n" not in brand.name


def test_the_api_answers_400_naming_the_field(brand, brand_owner):
    api = APIClient()
    api.force_authenticate(brand_owner)
    created = api.post("/api/v1/brands/", {"name": "Acme\nCorp"}, format="json")
    assert created.status_code == 400 and "name" in created.json()["errors"]
    patched = api.patch(f"/api/v1/brands/{brand.slug}/", {"name": "Acme\r\nCorp"}, format="json")
    assert patched.status_code == 400 and "name" in patched.json()["errors"]
    brand.refresh_from_db()
    assert "\n" not in brand.name


def test_the_admin_refuses_it_too(client, brand):
    staff = UserFactory(role="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:brands_brand_change", args=[brand.pk])
    response = client.post(
        url,
        {
            "name": "Acme\r\nCorp",
            "slug": brand.slug,
            "category": brand.category_id,
            "website": "",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    brand.refresh_from_db()
    assert "\n" not in brand.name


def test_brand_signup_with_a_line_break_in_the_name_is_a_form_error():
    response = Client().post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "name": "Peggy",
            "role": "brand",
            "brand_name": "Fizz\r\nCola",
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
