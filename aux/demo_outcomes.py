"""A simulated history of what brands did with their matches, so that
`bench/ranking_quality.py --fit` has outcomes to learn the part weights from.

For every brief the engine can rank (published or not: a brand's past and future campaigns),
six weekly lists shown to the brand (its ranking today, earlier weeks with the positions shuffled
a little), and for every artist shown a furthest outcome drawn
from a simulated buyer: it cares about genre, the audience in the brief's countries and the
artist's size for the objective, ignores text and the verified badge, and looks at the top of a
list more than at its bottom. Seeded: the same demo every time; skipped once exposures exist.
"""

import math
import random
from datetime import timedelta

from django.utils import timezone

from campaigns.briefs.matching_service import brief_rank
from campaigns.briefs.models import Brief, MatchExposure, MatchOutcome
from campaigns.briefs.snapshot_store import get_snapshot

WEEKS = 6
KINDS = ["opened", "shortlisted", "offered", "accepted", "booked"]
# What the simulated buyer cares about (part → weight); a part with no data counts 0.5.
BUYER = {"genre": 3.0, "territory": 2.5, "reach": 1.5, "age": 0.5, "rating": 0.5}


def _utility(parts: dict, best_position: int) -> float:
    value = sum(
        w * (0.5 if (v := (parts.get(p) or {}).get("value")) is None else v)
        for p, w in BUYER.items()
    )
    return value - 0.04 * best_position - 4.0


def seed_outcomes() -> int:
    """Exposures and outcomes for every rankable brief's top 50; returns the outcomes."""
    snapshot = get_snapshot()
    if snapshot is None or MatchExposure.objects.exists():
        return 0
    rng = random.Random(20261208)
    now = timezone.now()
    exposures, outcomes = [], []
    for brief in Brief.objects.order_by("pk"):
        ranking = brief_rank(brief, snapshot=snapshot, k=50)
        matches = [] if ranking is None else ranking.matches
        best: dict[int, int] = {}
        for week in range(WEEKS):
            order = sorted(matches, key=lambda m: m.rank + (rng.gauss(0, 4) if week else 0))
            for position, m in enumerate(order, start=1):
                best[m.artist_id] = min(best.get(m.artist_id, position), position)
                exposures.append(
                    MatchExposure(
                        brief=brief, artist_id=m.artist_id, position=position, score=m.score,
                        parts={name: p["value"] for name, p in m.parts.items()},
                        computed_at=now - timedelta(days=7 * week),
                    )
                )  # fmt: skip
        for m in matches:
            u = _utility(m.parts, best[m.artist_id])
            for step, kind in enumerate(KINDS):
                # each step further is less likely: opened often, booked rarely
                if rng.random() >= 1 / (1 + math.exp(-(u + 2.5 - 1.2 * step))):
                    break
                outcomes.append(MatchOutcome(brief=brief, artist_id=m.artist_id, kind=kind))
    MatchExposure.objects.bulk_create(exposures, batch_size=2000)
    MatchOutcome.objects.bulk_create(outcomes, batch_size=2000, ignore_conflicts=True)
    return len(outcomes)
