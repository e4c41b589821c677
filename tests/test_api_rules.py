"""Input rules every API view shares, and the schema that states them (aux/api/schema.py,
parsers.py, exceptions.py): what the fuzzer (tests/security/test_api_fuzz.py) relies on."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from aux.api.schema import NO_NUL_PATTERN, NOT_BLANK_PATTERN
from tests.artists.factories import ArtistFactory
from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_a_multipart_body_that_is_not_a_form_is_a_400_not_an_empty_update():
    # Django would skip the nameless part and read an empty form: a PATCH changing nothing, 200.
    api = APIClient()
    api.force_authenticate(ArtistFactory().user)
    for junk in (b"--B\r\n[]--B--\r\n", b"-82705--B--\r\n"):
        response = api.generic(
            "PATCH", "/api/v1/artists/me/", junk, content_type="multipart/form-data; boundary=B"
        )
        assert response.status_code == 400, junk
        assert set(response.json()) == {"detail", "errors"}
    empty_form = api.generic(
        "PATCH", "/api/v1/artists/me/", b"--B--\r\n", content_type="multipart/form-data; boundary=B"
    )
    assert empty_form.status_code == 200


def test_a_multipart_form_with_an_empty_value_is_still_read():
    user = UserFactory()
    body = (
        f'--B\r\nContent-Disposition: form-data; name="email"\r\n\r\n{user.email}\r\n'
        f'--B\r\nContent-Disposition: form-data; name="password"\r\n\r\n{PASSWORD}\r\n'
        '--B\r\nContent-Disposition: form-data; name="extra"\r\n\r\n\r\n--B--\r\n'
    ).encode()
    response = APIClient().generic(
        "POST", "/api/v1/auth/token/", body, content_type="multipart/form-data; boundary=B"
    )
    # Every part was read, the empty one too: it is named as the one unknown field.
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"extra": ["Unknown field."]}


def test_unknown_filter_values_are_a_400_and_blank_ones_no_filter():
    api = APIClient()
    api.force_authenticate(UserFactory(role="artist"))
    for query in ("status=nope", "brief=abc", "brief=1.5"):
        response = api.get(f"/api/v1/applications/?{query}")
        assert response.status_code == 400, query
        assert query.partition("=")[0] in response.json()["errors"]
    assert api.get("/api/v1/applications/?status=&brief=").status_code == 200


def test_schema_documents_415_only_where_a_body_is_read(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "415" in token["responses"]
    assert "415" not in schema["paths"]["/api/v1/brands/"]["get"]["responses"]


def test_schema_states_text_rules_and_blank_query_values(schema):
    props = schema["components"]["schemas"]["BriefRequest"]["properties"]
    assert props["title"]["pattern"] == NOT_BLANK_PATTERN
    assert props["description"]["pattern"] == NO_NUL_PATTERN
    assert not re.search(NOT_BLANK_PATTERN, " \t\u3000")
    assert not re.search(NO_NUL_PATTERN, "a\x00b")
    params = {p["name"]: p for p in schema["paths"]["/api/v1/briefs/"]["get"]["parameters"]}
    assert {"type": "string", "maxLength": 0} in params["status"]["schema"]["anyOf"]


def test_schema_keeps_files_to_multipart_and_blank_for_null_in_forms(schema):
    content = schema["paths"]["/api/v1/brands/"]["post"]["requestBody"]["content"]
    refs = {media: body["schema"]["$ref"].rpartition("/")[2] for media, body in content.items()}
    components = schema["components"]["schemas"]
    assert "logo" in components[refs["multipart/form-data"]]["properties"]
    assert "logo" not in components[refs["application/json"]]["properties"]
    form_category = components[refs["application/x-www-form-urlencoded"]]["properties"]["category"]
    assert "nullable" not in str(form_category) and "maxLength" in str(form_category)


def test_a_blank_genre_or_mood_is_no_filter_in_the_artist_search():
    ArtistFactory()
    api = APIClient()
    every = api.get("/api/v1/artists/").json()["count"]
    assert every >= 1
    response = api.get("/api/v1/artists/?genre=&mood=&genre=")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == every


def test_a_page_size_that_is_not_1_to_100_is_a_400_and_a_blank_one_the_default():
    api = APIClient()
    for bad in ("null", "0", "101", "2.5"):
        response = api.get(f"/api/v1/artists/?page_size={bad}")
        assert response.status_code == 400, bad
        assert "page_size" in response.json()["errors"]
    assert api.get("/api/v1/artists/?page_size=").status_code == 200
    assert api.get("/api/v1/artists/?page_size=100").status_code == 200
