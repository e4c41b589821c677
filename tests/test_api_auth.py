"""Token auth for integrators and the API's one error shape."""

import pytest
from rest_framework.test import APIClient

from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_token_is_issued_for_email_and_password_and_stays_the_same(api):
    user = UserFactory(email="integrator@example.com")
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    again = api.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    assert again.json()["token"] == token  # one token per user, stable


def test_wrong_password_is_a_401_with_the_error_shape(api):
    user = UserFactory()
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": "nope"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Wrong e-mail or password.", "errors": {}}


def test_missing_and_malformed_fields_are_named_in_errors(api):
    response = api.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"email", "password"}
    assert body["detail"]


def test_wrong_method_is_a_json_405(api):
    response = api.get("/api/v1/auth/token/", HTTP_ACCEPT="application/json")
    assert response.status_code == 405
    assert response.json()["detail"]
    assert response.json()["errors"] == {}
