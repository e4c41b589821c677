"""The landing page, the demo seed and the production settings check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from artists.models import Artist
from aux.demo import DEMO_LOGINS, DEMO_PASSWORD
from aux.users.models import User
from brands.models import Brand
from campaigns.briefs.models import Brief
from tests.artists.factories import ArtistFactory

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_landing_page_explains_aux_and_features_established_and_emerging_artists(client):
    ArtistFactory(stage_name="Big Star", monthly_listeners=2_000_000, verified=True)
    ArtistFactory(stage_name="Tiny Room", monthly_listeners=900)

    page = client.get("/").content.decode()

    assert "For brands" in page and "For artists" in page
    assert "Big Star" in page
    assert "Tiny Room" in page
    assert "emerging" in page


@pytest.mark.django_db
def test_landing_page_has_an_empty_state_without_artists(client):
    assert "No artists yet" in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_load_no_third_party_asset_and_send_a_strict_csp(client):
    response = client.get("/")
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/vendor/htmx/" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_world_and_is_idempotent(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = (Artist.objects.count(), Brand.objects.count(), Brief.objects.count(),
              User.objects.count())  # fmt: skip
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert counts == (Artist.objects.count(), Brand.objects.count(), Brief.objects.count(),
                      User.objects.count())  # fmt: skip
    assert Artist.objects.count() >= 300
    assert Artist.objects.emerging().count() >= 50
    assert Artist.objects.established().count() >= 50
    assert Artist.objects.values("country").distinct().count() >= 10
    assert Brand.objects.count() == 5
    assert not Brand.objects.exclude(memberships__role="owner").exists()
    assert Brief.objects.count() == 10
    assert Brief.objects.values("status").distinct().count() == 4
    assert Artist.objects.filter(rates__isnull=False).distinct().count() == Artist.objects.count()
    for role, email in DEMO_LOGINS.items():
        assert client.login(email=email, password=DEMO_PASSWORD), role
        client.logout()


def test_check_deploy_prints_no_warning_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "prod-only-7f3Kq9!zR2mW8vX4nB6yT1cL5hJ0pD3sA9eG2uF7iO4wQ8",
        "ALLOWED_HOSTS": "aux.example.com",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
        "DATABASE_URL": "sqlite:////tmp/aux-deploy-check.sqlite3",
        # Real-looking Stripe settings (payments/checks.py refuses the demo's); none is a secret.
        "STRIPE_SECRET_KEY": "sk_test_deploycheck",
        "STRIPE_WEBHOOK_SECRET": "whsec_deploy-check-only",
    }
    env.pop("REDIS_URL", None)
    env.pop("STRIPE_API_BASE", None)  # production talks to https://api.stripe.com
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "aux.example.com"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_local_mode_shows_the_sites_404_page_not_djangos_technical_one(client, settings):
    settings.DEBUG = True  # the demo's mode; the middleware chain loads at the first request
    for path in ("/no-such-page/", "/artists/no-such-artist/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 404, path
        assert "Page not found" in html and "Back to the home page" in html, path
        assert "URLconf" not in html and "DEBUG = True" not in html, path
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found.", "errors": {}}
    assert client.get("/artists").status_code == 301  # APPEND_SLASH still finds /artists/
