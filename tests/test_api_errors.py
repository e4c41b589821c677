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


def test_an_unknown_field_on_offer_create_is_a_400_naming_it_and_creates_nothing(brand):
    # The attack: `amount` is no field of an offer; it was ignored and the offer created at the
    # artist's minimum fee, 201.
    from campaigns.bookings.models import Offer
    from tests.brands.factories import MembershipFactory
    from tests.campaigns.factories import booking_artist, booking_brief

    manager = MembershipFactory(brand=brand, role="manager").user
    brief, artist = booking_brief(brand, social=True), booking_artist()
    api = APIClient()
    api.force_authenticate(manager)
    body = {"brief": brief.pk, "artist": artist.slug, "usage_channels": ["social"]}
    response = api.post("/api/v1/offers/", {**body, "amount": 150000}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": ["Unknown field."]}
    assert not Offer.objects.exists()
    # The same body without it is fine; nested lines refuse unknown keys too.
    assert api.post("/api/v1/offers/", body, format="json").status_code == 201


def test_every_serializer_of_the_project_refuses_unknown_fields():
    import importlib
    import inspect
    import pkgutil

    from rest_framework import serializers

    from aux.api.serializers import StrictModelSerializer, StrictSerializer

    found, loose = [], []
    for package in ("aux", "artists", "brands", "campaigns", "payments"):
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            if ".api." not in info.name + "." or "migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, serializers.Serializer):
                    found.append(cls)
                    if not issubclass(cls, StrictSerializer | StrictModelSerializer):
                        loose.append(f"{cls.__module__}.{cls.__qualname__}")
    assert len(found) > 50  # the walk really found the API's serializers
    assert loose == []


def test_the_schema_says_every_request_body_is_closed():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    requests = {name: c for name, c in schemas.items() if name.endswith("Request")}
    assert len(requests) > 20
    assert [n for n, c in requests.items() if c.get("additionalProperties") is not False] == []
