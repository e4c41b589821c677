"""Briefs: the brief lifecycle, curation, shortlists and matches; the ranking adapter and snapshot
store (matching_service.py) over the pure engine (campaigns.matching); the fairness audit."""
