"""Every /api/ error tells the truth in JSON, in every mode (aux/api/middleware.py, exceptions.py):
unknown URLs with DEBUG on, oversized bodies, missing or bad tokens, numbers out of range."""

import pytest
from rest_framework.test import APIClient

from tests.artists.factories import ArtistFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_error_shape(response) -> bool:
    return response["Content-Type"].startswith("application/json") and set(response.json()) == {
        "detail",
        "errors",
    }


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_url_is_a_json_404_with_and_without_debug(settings, debug):
    settings.DEBUG = debug
    response = APIClient().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert _is_error_shape(response), response.content[:200]
    # Pages keep their HTML 404.
    assert "text/html" in APIClient().get("/no-such-page/")["Content-Type"]


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", "multipart"]
)
def test_an_oversized_body_is_a_json_400(settings, debug, content_type):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = APIClient()
    api.force_authenticate(ArtistFactory().user)
    big = "x" * 5000
    if content_type == "multipart":
        response = api.patch("/api/v1/artists/me/", {"bio": big}, format="multipart")
    elif content_type == "application/json":
        response = api.patch("/api/v1/artists/me/", {"bio": big}, format="json")
    else:
        response = api.generic("PATCH", "/api/v1/artists/me/", f"bio={big}", content_type)
    assert response.status_code == 400, response.content[:200]
    assert _is_error_shape(response), response.content[:200]


def test_a_missing_token_is_a_401_with_the_token_challenge():
    response = APIClient().get("/api/v1/artists/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert _is_error_shape(response)


def test_a_bad_token_is_a_401_with_the_token_challenge():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/artists/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert _is_error_shape(response)


def test_a_signed_in_session_still_works_without_a_token():
    api = APIClient()
    api.force_login(ArtistFactory().user)
    assert api.get("/api/v1/artists/me/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications/?brief=9223372036854775808",
        "/api/v1/applications/?brief=-9223372036854775809",
        "/api/v1/briefs/9223372036854775808/",
        "/api/v1/offers/99999999999999999999999/",
        "/api/v1/notifications/?page=9223372036854775808",
    ],
)
def test_numbers_out_of_range_are_a_4xx_not_a_500(url):
    api = APIClient()
    api.force_authenticate(UserFactory(role="artist"))
    response = api.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert _is_error_shape(response)
