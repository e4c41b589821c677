"""Fixtures of the payments tests: the fake Stripe (see stripe_server.py)."""

from .stripe_server import stripe_api_fixture  # noqa: F401 (registers `stripe_api`)
