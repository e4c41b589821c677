"""Token auth for integrators and the API's one error shape."""

import pytest
from rest_framework.authtoken.models import Token

from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


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


# --- brute force ---------------------------------------------------------------------------------
TOKEN_URL = "/api/v1/auth/token/"


def _try(api, email, password, ip="203.0.113.7", **headers):
    return api.post(TOKEN_URL, {"email": email, "password": password}, REMOTE_ADDR=ip, **headers)


def test_the_token_throttle_ignores_a_forged_x_forwarded_for(api):
    """No proxy is configured (AUX_NUM_PROXIES=0): a rotating X-Forwarded-For header must not
    give the same client a fresh budget each time."""
    statuses = [
        _try(api, f"nobody{i}@example.com", "nope", HTTP_X_FORWARDED_FOR=f"10.0.{i}.1").status_code
        for i in range(25)
    ]
    assert 429 in statuses


def test_a_configured_proxy_count_takes_the_client_from_x_forwarded_for(settings):
    from rest_framework.settings import api_settings
    from rest_framework.test import APIRequestFactory

    from aux.api.auth import TokenThrottle

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    try:
        request = APIRequestFactory().post(
            TOKEN_URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 192.0.2.1"
        )
        assert TokenThrottle().get_ident(request) == "192.0.2.1"
    finally:
        api_settings.reload()


@pytest.fixture
def fast_delays(settings):
    settings.AUX_LOGIN_DELAY_SECONDS = 1
    settings.AUX_LOGIN_DELAY_MAX_SECONDS = 8
    return settings


def test_wrong_passwords_from_many_clients_delay_the_account_and_even_the_right_one_waits(
    api, fast_delays
):
    import time

    user = UserFactory()
    for i in range(5):  # each from another address: the per-client limits never see them
        assert _try(api, user.email, "wrong", ip=f"198.51.100.{i}").status_code == 401
    refused = _try(api, user.email, PASSWORD, ip="198.51.100.99")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"] and refused.json()["errors"] == {}
    assert "token" not in refused.json()
    time.sleep(1.1)
    # The delay passed: one more wrong password doubles it.
    assert _try(api, user.email, "wrong", ip="198.51.100.50").status_code == 401
    longer = _try(api, user.email, PASSWORD, ip="198.51.100.51")
    assert longer.status_code == 429
    assert int(longer["Retry-After"]) > int(refused["Retry-After"])


def test_after_the_delay_the_owner_gets_in_and_the_owner_was_told_once(api, fast_delays):
    import time

    from django.core import mail

    user = UserFactory()
    for i in range(7):
        _try(api, user.email, "wrong", ip=f"198.51.100.{i}")
    notices = [m for m in mail.outbox if m.to == [user.email]]
    assert len(notices) == 1
    assert "sign" in notices[0].subject.lower() or "password" in notices[0].subject.lower()
    time.sleep(1.1)
    assert _try(api, user.email, PASSWORD).status_code == 200


def test_the_login_form_and_the_api_share_the_per_account_rule(api, client, fast_delays):
    from django.urls import reverse

    user = UserFactory()
    for i in range(5):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{i}",
        )
    assert _try(api, user.email, PASSWORD, ip="192.0.2.200").status_code == 429


def test_failures_for_an_unknown_address_send_no_e_mail(api, fast_delays):
    from django.core import mail

    for i in range(6):
        _try(api, "ghost@example.com", "wrong", ip=f"198.51.100.{i}")
    assert mail.outbox == []


def test_resetting_the_password_ends_the_delay(api, client, fast_delays):
    """Through allauth's real reset flow: the e-mailed link, a new password, then sign in."""
    import re

    from django.core import mail
    from django.urls import reverse

    user = UserFactory()
    for i in range(8):  # the delay is now the cap (8 s here): longer than the reset takes
        _try(api, user.email, "wrong", ip=f"198.51.100.{i}")
    assert _try(api, user.email, PASSWORD).status_code == 429
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    form = client.get("/accounts/" + link.group(0).split("/accounts/", 1)[1], follow=True)
    new = "a-brand-new-long-passphrase"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert _try(api, user.email, new).status_code == 200


def test_an_unconfirmed_address_gets_no_token_as_the_login_form_refuses_it(api):
    user = UserFactory(verified=False)
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()
