"""Briefs: the brief lifecycle, curation, shortlists and matches; the ranking adapter
(matching_service.py) and the snapshot store (snapshot_store.py) over the pure engine
(campaigns.matching); the fairness audit."""
