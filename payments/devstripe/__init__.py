"""A fake Stripe for tests and the offline demo: localstripe plus the Connect parts it lacks.

Dev/test tooling only: nothing in the site imports it. `python -m payments.devstripe --port N`
serves localstripe (PaymentIntents, Refunds, Events, signed webhooks, fake Stripe.js) on loopback
with Connect Accounts, Account Links, Transfers and `Idempotency-Key` replay added on the same
aiohttp app (see connect.py).
"""
