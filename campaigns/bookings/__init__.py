"""Bookings: offers, contracts, milestones, disputes, settlements, messages, open calls
(applications), attachments, contact masking, the contract PDF; announces hooks (hooks.py)."""
