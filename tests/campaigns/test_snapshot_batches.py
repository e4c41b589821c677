"""ArtistSnapshot.from_batches (used by snapshot_build to bound memory) equals from_records."""

import numpy as np
import pytest

from campaigns.matching.snapshot import ArtistSnapshot
from tests.campaigns.test_matching_snapshot import BRIEFS, ranking, rec


def batched_records():
    # Later batches bring vocabulary the first has not seen: a new genre, country, deliverable
    # type and refused category, so the join must widen bit sets and the fee matrix.
    first = [rec(i) for i in range(1, 15)]
    second = [rec(i) for i in range(15, 30)]
    second[3] = rec(18, genres=[9], audience={"JP": 0.4}, refused_categories=[3],
                    rates={12: (700, "GBP"), 10: (900, "EUR")})  # fmt: skip
    third = [rec(i, text="") for i in range(30, 33)]
    return [first, second, third]


@pytest.mark.parametrize("brief", range(len(BRIEFS)))
def test_batched_build_ranks_exactly_like_a_build_from_all_records(brief):
    batches = batched_records()
    whole = ArtistSnapshot.from_records([r for b in batches for r in b])
    batched = ArtistSnapshot.from_batches(iter(batches))
    assert ranking(batched, BRIEFS[brief]) == ranking(whole, BRIEFS[brief])


def test_batched_build_stores_the_same_features_for_every_artist():
    batches = batched_records()
    whole = ArtistSnapshot.from_records([r for b in batches for r in b])
    batched = ArtistSnapshot.from_batches(batches)
    assert batched.n_alive == whole.n_alive == 32
    for artist_id in np.asarray(whole.arrays["ids"]).tolist():
        assert batched.record(artist_id) == whole.record(artist_id)


def test_batched_build_of_nothing_is_an_empty_snapshot():
    assert ArtistSnapshot.from_batches([]).n_alive == 0
    assert ArtistSnapshot.from_batches([[], []]).n_alive == 0
