"""Signup through allauth's real forms with CSRF checks on, and where each role lands."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from artists.models import Artist
from aux.users.models import User
from brands.models import Brand, Membership
from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _csrf_token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _signup(client: Client, **fields) -> object:
    url = reverse("account_signup")
    data = {
        "csrfmiddlewaretoken": _csrf_token(client, url),
        "email": "new@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "name": "Peggy",
        **fields,
    }
    return client.post(url, data)


def _confirm_and_log_in(client: Client, email: str) -> object:
    """Open the confirmation link allauth mailed to `email`, in the browser that signed up: the
    account is confirmed and signed in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)."""
    assert mail.outbox[-1].to == [email]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    return client.post(path, {"csrfmiddlewaretoken": _csrf_token(client, path)})


def test_artist_signup_creates_artist_profile_and_lands_on_artist_dashboard(csrf_client):
    response = _signup(csrf_client, role="artist", stage_name="Peggy Gouache")

    # The address must be confirmed first (ACCOUNT_EMAIL_VERIFICATION = mandatory).
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    response = _confirm_and_log_in(csrf_client, "new@example.com")
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.role == User.Role.ARTIST
    artist = Artist.objects.get(user=user)
    assert artist.stage_name == "Peggy Gouache"
    assert artist.slug == "peggy-gouache"
    landing = csrf_client.get(response.url, follow=True)
    assert landing.redirect_chain[-1][0] == reverse("artists:dashboard")
    assert "Peggy Gouache" in landing.content.decode()


def test_brand_signup_creates_brand_with_the_user_as_owner(csrf_client):
    response = _signup(csrf_client, role="brand", brand_name="Fizz Cola")

    assert response.status_code == 302
    response = _confirm_and_log_in(csrf_client, "new@example.com")
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.role == User.Role.BRAND
    brand = Brand.objects.get(name="Fizz Cola")
    assert Membership.objects.get(brand=brand).user == user
    assert Membership.objects.get(brand=brand).role == Membership.Role.OWNER
    landing = csrf_client.get(response.url, follow=True)
    assert landing.redirect_chain[-1][0] == reverse("brands:dashboard")
    assert "Fizz Cola" in landing.content.decode()


def test_brand_signup_without_brand_name_is_a_form_error_and_creates_nothing(csrf_client):
    response = _signup(csrf_client, role="brand", brand_name="  ")

    assert response.status_code == 200
    assert "Tell us the name of your brand." in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert not Brand.objects.exists()


def test_signup_without_a_role_is_refused(csrf_client):
    response = _signup(csrf_client)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()


def test_signup_post_without_csrf_token_is_rejected(csrf_client):
    response = csrf_client.post(
        reverse("account_signup"),
        {"email": "x@example.com", "password1": "a-long-pass-1", "role": "artist"},
    )
    assert response.status_code == 403
    assert not User.objects.exists()


def _shown(client: Client, response) -> str:
    """The page a sign-up ends on, without what differs per request (CSRF token, nonces)."""
    final = client.get(response.url) if response.status_code == 302 else response
    return re.sub(r'(value|nonce)="[^"]*"|"X-CSRFToken": "\w+"', "", final.content.decode())


def test_signup_with_a_registered_address_answers_like_a_new_one_and_mails_the_owner():
    """Sign-up must not say which addresses have an account (ACCOUNT_PREVENT_ENUMERATION):
    the same redirect and page; the owner of the address gets an e-mail instead."""
    owner = UserFactory(email="taken@example.com")
    new_client, taken_client = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    new = _signup(new_client, email="fresh@example.com", role="artist", stage_name="Fresh")
    mail.outbox.clear()
    taken = _signup(taken_client, email="taken@example.com", role="artist", stage_name="Twice")

    assert (taken.status_code, taken.get("Location")) == (new.status_code, new.get("Location"))
    taken_page = _shown(taken_client, taken).replace("taken@example.com", "ADDRESS")
    assert taken_page == _shown(new_client, new).replace("fresh@example.com", "ADDRESS")
    assert "already" not in taken_page
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "already" in mail.outbox[0].body.lower()


def test_password_reset_answers_the_same_for_unknown_and_registered_addresses(client):
    UserFactory(email="known@example.com")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "known@example.com"})
    unknown = client.post(url, {"email": "nobody@example.com"})
    assert (known.status_code, known.get("Location")) == (
        unknown.status_code,
        unknown.get("Location"),
    )
    assert known.status_code == 302


@pytest.mark.parametrize(
    ("role", "is_staff", "dashboard"),
    [
        ("artist", False, "artists:dashboard"),
        ("brand", False, "brands:dashboard"),
        ("staff", True, "admin:index"),
    ],
)
def test_login_lands_each_role_on_its_own_dashboard(csrf_client, role, is_staff, dashboard):
    user = UserFactory(role=role, is_staff=is_staff)
    url = reverse("account_login")
    response = csrf_client.post(
        url,
        {"csrfmiddlewaretoken": _csrf_token(csrf_client, url), "login": user.email,
         "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    final = csrf_client.get(response.url)
    assert final.status_code == 302
    assert final.url == reverse(dashboard)


def test_repeated_failed_logins_are_rate_limited_by_allauth(client):
    user = UserFactory()
    url = reverse("account_login")
    pages = [
        client.post(url, {"login": user.email, "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    limited = "Too many failed login attempts"
    assert not any(limited in p for p in pages[:5])
    assert limited in pages[5]
    # Even the right password is refused while the limit holds.
    right = client.post(url, {"login": user.email, "password": PASSWORD})
    assert right.status_code == 200
    assert limited in right.content.decode()
