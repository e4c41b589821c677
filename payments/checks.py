"""System checks of payments: production refuses to start on the demo's Stripe settings.

Outside DEBUG, `manage.py check` (and so `check --deploy`, `migrate` and `runserver`) fails with
an Error when Stripe would be the local fake or webhooks could be signed with the public demo
secret: a forged `payment_intent.succeeded` signed with `whsec_local` would otherwise be believed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_SECRET_KEY = "sk_test_local"  # noqa: S105 (the public demo default, refused here)
LOCAL_WEBHOOK_SECRET = "whsec_local"  # noqa: S105 (the public demo default, refused here)
STRIPE_API = "https://api.stripe.com"


@register(Tags.security)
def check_stripe_settings(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    key = settings.STRIPE_SECRET_KEY
    if not key.startswith(("sk_live_", "sk_test_", "rk_")) or key == LOCAL_SECRET_KEY:
        errors.append(
            Error(
                "STRIPE_SECRET_KEY is missing or is the local demo key.",
                hint="Set STRIPE_SECRET_KEY to a secret key from the Stripe dashboard "
                "(sk_live_..., sk_test_... or a restricted rk_... key).",
                id="payments.E001",
            )
        )
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or secret == LOCAL_WEBHOOK_SECRET:
        errors.append(
            Error(
                "STRIPE_WEBHOOK_SECRET is missing or is the public demo secret: anyone could "
                "sign webhooks.",
                hint="Set STRIPE_WEBHOOK_SECRET to the signing secret (whsec_...) of the "
                "webhook endpoint in the Stripe dashboard.",
                id="payments.E002",
            )
        )
    base = settings.STRIPE_API_BASE.rstrip("/")
    if base != STRIPE_API:
        errors.append(
            Error(
                f"STRIPE_API_BASE is {base or 'empty'!r}, not {STRIPE_API}.",
                hint="Leave STRIPE_API_BASE unset in production (its default without DEBUG is "
                "https://api.stripe.com); the local fake Stripe is for the demo and the tests.",
                id="payments.E003",
            )
        )
    return errors
