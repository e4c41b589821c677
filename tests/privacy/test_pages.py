"""The privacy notice and terms: public, in English and French, linked from sign-up and every
page's footer; sign-up records the version accepted; the public pages set no cookie that would
need a consent banner."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from aux.users.models import User

pytestmark = pytest.mark.django_db

# Strictly necessary cookies (no consent needed): the session, the CSRF token and the language
# the visitor chose. Anything else (analytics, ads, tracking) would need a banner first.
ESSENTIAL_COOKIES = {"sessionid", "csrftoken", "django_language"}


@pytest.mark.parametrize(
    ("name", "lang", "heading"),
    [
        ("privacy:notice", "en", "Privacy notice"),
        ("privacy:notice", "fr", "Politique de confidentialité"),
        ("privacy:terms", "en", "Terms of use"),
        ("privacy:terms", "fr", "Conditions d'utilisation"),
    ],
)
def test_legal_pages_are_public_in_english_and_french(client, settings, name, lang, heading):
    settings.AUX_OPERATOR_NAME = "Studio Nord SAS"
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html.replace("&#x27;", "'")
    assert "Studio Nord SAS" in html and settings.AUX_TERMS_VERSION in html


def test_signup_page_and_footer_link_both_pages(client):
    for url in (reverse("account_signup"), reverse("home")):
        html = client.get(url).content.decode()
        assert f'href="{reverse("privacy:terms")}"' in html, url
        assert f'href="{reverse("privacy:notice")}"' in html, url


def test_signup_records_the_terms_version_shown(client, settings):
    settings.AUX_TERMS_VERSION = "2027-03"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com", "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase", "name": "Peggy", "role": "artist",
            "stage_name": "Peggy Gouache",
        },
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.terms_version == "2027-03" and user.terms_accepted_at is not None


PUBLIC_PAGES = [
    "home", "privacy:notice", "privacy:terms", "artists:list", "account_login", "account_signup",
    "account_reset_password",
]  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_set_only_essential_cookies(name):
    client = Client()
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert set(response.cookies) <= ESSENTIAL_COOKIES, response.cookies.keys()


def test_signing_in_and_switching_language_set_only_essential_cookies():
    from tests.users.factories import PASSWORD, UserFactory

    user = UserFactory()
    client = Client()
    page = client.get(reverse("account_login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.get(reverse("privacy:account"))
    assert set(client.cookies) <= ESSENTIAL_COOKIES, client.cookies.keys()
