"""The artist snapshot: save/load with memory maps, the atomic version switch, and incremental
updates that equal a full rebuild (no database needed)."""

import datetime as dt

import numpy as np
import pytest

from campaigns.matching.engine import BriefQuery, Curation, rank
from campaigns.matching.snapshot import ArtistSnapshot, SnapshotStore


def rec(i: int, **kw):
    r = {
        "id": i,
        "genres": [1 + i % 3],
        "moods": [1 + i % 2],
        "audience": {"DE": 0.1 * (i % 5), "US": 0.2},
        "age": {"18-24": 0.5, "25-34": 0.1 * (i % 4)},
        "monthly_listeners": 1000 * i,
        "followers": {"instagram": 10 * i},
        "engagement_rate": 0.01 * (i % 9),
        "verified": i % 2 == 0,
        "rates": {10: (500 + 100 * i, ("EUR", "USD", "GBP")[i % 3]), 11: (300, "EUR")},
        "unavailable": [(dt.date(2027, 3, i % 28 + 1), dt.date(2027, 3, i % 28 + 2))],
        "refused_categories": [7] if i % 6 == 0 else [],
        "text": f"house summer artist{i}",
        "rating": None if i % 4 else 4.5,
    }
    r.update(kw)
    return r


BRIEFS = [
    BriefQuery(
        deliverables={10: 1}, budget_min=1000, budget_max=10_000, currency="EUR",
        start_date=dt.date(2027, 3, 5), end_date=dt.date(2027, 3, 6), territories=("DE",),
        genres=(1, 4), moods=(2,), brand_category=7, emerging_share=0.3, text="summer house",
    ),
    BriefQuery(
        deliverables={11: 2, 12: 1}, budget_min=0, budget_max=10**6, currency="GBP",
        start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 1, 2), objective="awareness",
        emerging_share=0.5, fairness="strict",
    ),
]  # fmt: skip


def ranking(snap: ArtistSnapshot, b: BriefQuery):
    r = rank(snap, b, k=30, emerging_threshold=15_000, curation=Curation(pinned=[5]))
    return (
        [(m.artist_id, round(m.score, 5), m.emerging, m.pinned) for m in r.matches],
        r.removed,
        r.n_total,
        r.fairness["table"],
    )


def test_save_then_load_maps_read_only_arrays_equal_to_the_original(tmp_path):
    snap = ArtistSnapshot.from_records(rec(i) for i in range(1, 40))
    snap.save(tmp_path)
    loaded = ArtistSnapshot.load(tmp_path)
    assert loaded.version == snap.version
    for name, arr in snap.arrays.items():
        got = loaded.arrays[name]
        assert np.array_equal(np.asarray(got), arr, equal_nan=arr.dtype.kind == "f"), name
        if got.size:
            assert isinstance(got, np.memmap) and not got.flags.writeable
    for b in BRIEFS:
        assert ranking(loaded, b) == ranking(snap, b)


def test_store_switches_to_a_new_version_atomically_and_old_maps_stay_readable(tmp_path):
    v1 = ArtistSnapshot.from_records(rec(i) for i in range(1, 10))
    v1.save(tmp_path)
    store = SnapshotStore(tmp_path)
    first = store.get()
    assert store.get() is first  # unchanged CURRENT: no reload
    v2 = v1.with_updates([rec(50)], removed_ids=[1])
    v2.save(tmp_path, keep=1)
    second = store.get()
    assert second.version == v2.version != first.version
    assert (tmp_path / "CURRENT").read_text() == v2.version
    assert not list(tmp_path.glob(".CURRENT*"))  # the temp pointer was renamed, not left
    assert 50 in second.arrays["id_sorted"] and 1 not in second.arrays["id_sorted"]
    # the first version's directory was pruned, but its open maps still read
    assert int(first.arrays["ids"][0]) == 1
    assert len(list((tmp_path / "versions").iterdir())) == 1


@pytest.mark.parametrize("compact_above", [1.0, 0.0])
def test_incremental_update_equals_a_full_rebuild(compact_above):
    base = {i: rec(i) for i in range(1, 60)}
    snap = ArtistSnapshot.from_records(base.values())
    changed = [
        rec(3, genres=[9], rates={12: (100, "USD")}, audience={"JP": 0.7}),  # new vocab entries
        rec(10, monthly_listeners=5, unavailable=[], text="techno"),
        rec(100, refused_categories=[8]),  # new artist, new category
        rec(101),
    ]
    removed = [7, 8, 999]  # 999 is unknown: ignored
    updated = snap.with_updates(changed, removed, compact_above=compact_above)
    final = dict(base)
    for r in changed:
        final[r["id"]] = r
    for i in removed:
        final.pop(i, None)
    full = ArtistSnapshot.from_records(final.values())
    assert updated.n_alive == full.n_alive == len(final)
    for i in final:
        a, b = updated.record(i), full.record(i)
        assert a == b, i
    for i in removed:
        with pytest.raises(KeyError):
            updated.record(i)
    for b in BRIEFS:
        assert ranking(updated, b) == ranking(full, b)
    if compact_above == 0.0:
        assert updated.n_rows == updated.n_alive


def test_memory_per_artist_stays_small():
    snap = ArtistSnapshot.from_records(rec(i) for i in range(1, 2001))
    fixed = snap.arrays["txtp_indptr"].nbytes  # one pointer per hash bucket, independent of N
    assert (snap.nbytes - fixed) / 2000 < 600  # bytes per artist; 1M artists ≪ 1 GB


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError):
        ArtistSnapshot.from_records([rec(1), rec(1)])


@pytest.mark.parametrize("saved", [False, True])
def test_updating_a_snapshot_built_on_an_empty_catalogue_adds_the_new_artists(tmp_path, saved):
    # A fresh production: the snapshot is built before any artist exists, then artists arrive.
    empty = ArtistSnapshot.from_batches([])
    if saved:  # the memory-mapped version every process reads
        empty.save(tmp_path)
        empty = ArtistSnapshot.load(tmp_path)
    assert empty.n_alive == 0
    assert empty.rows_for_ids([1, 2]).tolist() == [-1, -1]

    updated = empty.with_updates([rec(i) for i in range(1, 6)], removed_ids=[99])
    full = ArtistSnapshot.from_records(rec(i) for i in range(1, 6))
    assert updated.n_alive == 5
    for i in range(1, 6):
        assert updated.record(i) == full.record(i)
    for b in BRIEFS:
        assert ranking(updated, b) == ranking(full, b)


def test_a_snapshot_whose_artists_were_all_removed_takes_new_ones():
    snap = ArtistSnapshot.from_records([rec(1), rec(2)]).with_updates([], removed_ids=[1, 2])
    assert snap.n_alive == 0
    again = snap.with_updates([rec(3)])
    assert again.n_alive == 1 and again.record(3) == ArtistSnapshot.from_records([rec(3)]).record(3)
