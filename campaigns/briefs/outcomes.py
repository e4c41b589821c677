"""Exposures and outcomes of matches: what the brand was shown and what came of it.

Small hooks call these: the match page records the exposures it shows; the shortlist, the match
page's "open" link, offers (sent, accepted) and contracts (signed) record outcomes. The learned
weights (`bench/ranking_quality.py --fit`) are fitted from these rows; the hand weights in
settings stay the ranking's weights.
"""

from collections.abc import Iterable

from django.db import transaction

from .models import Match, MatchExposure, MatchOutcome

Kind = MatchOutcome.Kind


def exposures_record(*, matches: Iterable[Match]) -> int:
    """Record the matches shown (once per artist per computed list); returns how many."""
    rows = [
        MatchExposure(
            brief_id=m.brief_id,
            artist_id=m.artist_id,
            position=m.rank,
            score=m.score,
            parts={name: p.get("value") for name, p in (m.parts or {}).items()},
            computed_at=m.computed_at,
        )
        for m in matches
    ]
    if not rows:
        return 0
    return len(MatchExposure.objects.bulk_create(rows, ignore_conflicts=True))


@transaction.atomic
def outcome_record(*, brief_id: int, artist_id: int, kind: str) -> bool:
    """Record that `kind` happened for the artist on the brief (the first time only); True when
    it is new. Unknown kinds are refused."""
    if kind not in Kind.values:
        raise ValueError(f"unknown outcome {kind!r}")
    _, created = MatchOutcome.objects.get_or_create(
        brief_id=brief_id, artist_id=artist_id, kind=kind
    )
    return created
