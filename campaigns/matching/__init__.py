"""The matching engine: pure Python + numpy/scipy, no Django import anywhere in this package.

Public API: `ArtistSnapshot` / `ArtistRecord` / `SnapshotStore` (snapshot.py), `rank` with
`BriefQuery` / `Curation` → `Ranking` (engine.py), FA*IR helpers (fairness.py).
"""

from .engine import (
    DEFAULT_FX,
    DEFAULT_WEIGHTS,
    FILTERS,
    PARTS,
    BriefQuery,
    Curation,
    MatchResult,
    Ranking,
    rank,
)
from .fairness import detgreedy_topk, fail_probability, fair_topk, mtable
from .snapshot import ArtistColumns, ArtistRecord, ArtistSnapshot, SnapshotStore

__all__ = [
    "DEFAULT_FX",
    "DEFAULT_WEIGHTS",
    "FILTERS",
    "PARTS",
    "ArtistColumns",
    "ArtistRecord",
    "ArtistSnapshot",
    "BriefQuery",
    "Curation",
    "MatchResult",
    "Ranking",
    "SnapshotStore",
    "detgreedy_topk",
    "fail_probability",
    "fair_topk",
    "mtable",
    "rank",
]
