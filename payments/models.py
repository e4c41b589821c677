"""Escrow, payouts, the ledger and Stripe webhooks: built by the payments issue."""
