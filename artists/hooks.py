"""Hooks the artists app announces to the layers above it, which subscribe in their
`AppConfig.ready()` (layers import downwards only: artists never imports campaigns)."""

from django.dispatch import Signal

# Sent after the commit of a bulk write that bypasses the model signals (the CSV import), with
# `count`: how many artists it created or updated. Matching refreshes its snapshot on it.
artists_bulk_changed = Signal()
