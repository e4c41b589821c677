"""Production refuses to start on the demo's Stripe settings (a system check at Error level):
the public `whsec_local` would let anyone sign webhooks, and the fake Stripe is no bank."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from payments.checks import check_stripe_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_productionlike",
    "STRIPE_WEBHOOK_SECRET": "whsec_from-the-dashboard",
    "STRIPE_API_BASE": "https://api.stripe.com",
}


def _ids(settings, **values) -> set[str]:
    settings.DEBUG = False
    for name, value in {**GOOD, **values}.items():
        setattr(settings, name, value)
    return {e.id for e in check_stripe_settings(None)}


def test_real_looking_stripe_settings_pass_the_check(settings):
    assert _ids(settings) == set()
    assert _ids(settings, STRIPE_SECRET_KEY="rk_test_restricted") == set()
    assert _ids(settings, STRIPE_API_BASE="https://api.stripe.com/") == set()


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("STRIPE_SECRET_KEY", "sk_test_local", "payments.E001"),
        ("STRIPE_SECRET_KEY", "", "payments.E001"),
        ("STRIPE_SECRET_KEY", "pk_live_publishable", "payments.E001"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_local", "payments.E002"),
        ("STRIPE_WEBHOOK_SECRET", "", "payments.E002"),
        ("STRIPE_API_BASE", "http://127.0.0.1:8420", "payments.E003"),
        ("STRIPE_API_BASE", "http://api.stripe.com", "payments.E003"),
    ],
)
def test_production_refuses_demo_or_missing_stripe_settings(settings, name, value, error):
    assert error in _ids(settings, **{name: value})


def test_the_demo_may_use_the_local_defaults(settings):
    settings.DEBUG = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_local"
    assert check_stripe_settings(None) == []


def test_the_site_does_not_start_in_production_on_the_default_stripe_settings():
    env = {
        **os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "aux.example.com",
        "SECRET_KEY": "prod-only-7f3Kq9!zR2mW8vX4nB6yT1cL5hJ0pD3sA9eG2uF7iO4wQ8",
        "DATABASE_URL": "sqlite:////tmp/aux-stripe-check.sqlite3",
        "STRIPE_API_BASE": "http://127.0.0.1:8420",  # the fake Stripe
    }  # fmt: skip
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    for error in ("payments.E001", "payments.E002", "payments.E003"):
        assert error in result.stderr + result.stdout


def test_production_talks_to_stripe_unless_told_otherwise():
    source = (ROOT / "aux" / "settings.py").read_text()
    assert '"http://127.0.0.1:8420" if DEBUG else "https://api.stripe.com"' in source
