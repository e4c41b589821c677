"""snapshot_build's parts: ArtistSnapshot.from_batches (bounded memory) equals from_records, and
the records read from the database (array_agg per artist on PostgreSQL, row by row elsewhere)
hold exactly the artist's data."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from artists.models import AgeShare, AudienceShare, Unavailability
from campaigns.briefs import snapshot_store
from campaigns.matching.snapshot import ArtistColumns, ArtistSnapshot
from tests.artists.factories import (
    ArtistFactory,
    DeliverableTypeFactory,
    GenreFactory,
    MoodFactory,
    RateFactory,
)  # fmt: skip
from tests.brands.factories import BrandCategoryFactory
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


def test_columnar_build_stores_exactly_the_arrays_of_a_build_from_records():
    batches = batched_records()
    batches[1][4] = rec(19, text="Ünïcode ÉTÉ — the DJ's 2nd set, Σίσυφος; w_1 x y", age={},
                        audience={}, rates={}, unavailable=[], genres=[], moods=[])  # fmt: skip
    whole = ArtistSnapshot.from_records([r for b in batches for r in b])
    by_records = ArtistSnapshot.from_batches(batches)
    by_columns = ArtistSnapshot.from_batches(ArtistColumns.from_records(b) for b in batches)
    assert by_columns.countries == by_records.countries
    assert by_columns.type_vocab == by_records.type_vocab
    assert by_columns.tag_vocab == by_records.tag_vocab
    for name, arr in by_records.arrays.items():
        got = np.asarray(by_columns.arrays[name])
        assert got.dtype == arr.dtype and got.shape == arr.shape, name
        assert np.array_equal(got, np.asarray(arr), equal_nan=arr.dtype.kind == "f"), name
    for artist_id in np.asarray(whole.arrays["ids"]).tolist():
        assert by_columns.record(artist_id) == whole.record(artist_id)


def test_columnar_build_rejects_what_the_records_build_rejects():
    with pytest.raises(ValueError, match="duplicate"):
        ArtistSnapshot.from_columns(ArtistColumns.from_records([rec(1), rec(1)]))
    bad = rec(2, unavailable=[(date(2027, 3, 5), date(2027, 3, 4))])
    with pytest.raises(ValueError, match="ends before"):
        ArtistSnapshot.from_columns(ArtistColumns.from_records([bad]))
    with pytest.raises(ValueError, match="fee out of range"):
        ArtistSnapshot.from_columns(ArtistColumns.from_records([rec(3, rates={1: (-1, "EUR")})]))


def test_batched_build_of_nothing_is_an_empty_snapshot():
    assert ArtistSnapshot.from_batches([]).n_alive == 0
    assert ArtistSnapshot.from_batches([[], []]).n_alive == 0


def test_records_from_the_database_pair_every_value_with_its_key(db):
    artist = ArtistFactory(monthly_listeners=4321, followers={"spotify": 10, "instagram": 5},
                           engagement_rate=Decimal("0.0425"), verified=True)  # fmt: skip
    other = ArtistFactory()  # rows of another artist must not leak in
    genres = [GenreFactory(name=n, slug=n) for n in ("house", "techno")]
    artist.genres.set(genres)
    artist.moods.set([MoodFactory(name="chill", slug="chill")])
    artist.refused_categories.set([BrandCategoryFactory()])
    live, post = (DeliverableTypeFactory(name=n, slug=n) for n in ("live", "post"))
    RateFactory(artist=artist, deliverable_type=post, min_fee=30_000, currency="GBP")
    RateFactory(artist=artist, deliverable_type=live, min_fee=250_000, currency="EUR")
    RateFactory(artist=other, deliverable_type=live, min_fee=1, currency="USD")
    for country, share in (("US", "0.25"), ("DE", "0.5"), ("FR", "0.125")):
        AudienceShare.objects.create(artist=artist, country=country, share=Decimal(share))
    AgeShare.objects.create(artist=artist, bucket="25-34", share=Decimal("0.3"))
    AgeShare.objects.create(artist=artist, bucket="18-24", share=Decimal("0.6"))
    soon = date.today() + timedelta(days=10)
    # Two spans starting the same day: each end must stay with its own start.
    for start, end in ((soon, soon + timedelta(days=5)), (soon, soon + timedelta(days=1)),
                       (soon - timedelta(days=400), soon - timedelta(days=399))):  # fmt: skip
        Unavailability.objects.create(artist=artist, start=start, end=end)

    [record] = snapshot_store.artist_records([artist.pk])
    assert sorted(record["genres"]) == sorted(g.pk for g in genres)
    assert len(record["moods"]) == 1 and len(record["refused_categories"]) == 1
    assert record["rates"] == {live.pk: (250_000, "EUR"), post.pk: (30_000, "GBP")}
    assert record["audience"] == {"US": 0.25, "DE": 0.5, "FR": 0.125}
    assert record["age"] == pytest.approx({"25-34": 0.3, "18-24": 0.6})
    assert sorted(record["unavailable"]) == [
        (soon, soon + timedelta(days=1)), (soon, soon + timedelta(days=5)),
    ]  # fmt: skip
    assert record["followers"] == {"spotify": 10, "instagram": 5}
    assert record["engagement_rate"] == pytest.approx(0.0425)
    assert record["verified"] is True and record["monthly_listeners"] == 4321


def test_snapshot_build_from_the_database_equals_a_build_from_its_records(db, monkeypatch):
    artists = [ArtistFactory(monthly_listeners=100 * i, followers={"x": i, "y": 2 * i},
                             bio=f"Berlin techno, the {i}th DJ") for i in range(1, 8)]  # fmt: skip
    genre, live = GenreFactory(), DeliverableTypeFactory()
    soon = date.today() + timedelta(days=3)
    for i, artist in enumerate(artists):
        artist.genres.set([genre] if i % 2 else [])
        artist.refused_categories.set([BrandCategoryFactory()] if i % 3 == 0 else [])
        RateFactory(artist=artist, deliverable_type=live, min_fee=1000 * i, currency="USD")
        AudienceShare.objects.create(artist=artist, country="DE", share=Decimal("0.125"))
        AgeShare.objects.create(artist=artist, bucket="18-24", share=Decimal("0.5"))
        Unavailability.objects.create(artist=artist, start=soon, end=soon + timedelta(days=i))
        Unavailability.objects.create(artist=artist, start=soon - timedelta(days=90),
                                      end=soon - timedelta(days=80))  # fmt: skip
    monkeypatch.setattr(snapshot_store, "_BUILD_CHUNK", 3)
    built = snapshot_store.snapshot_build()
    expected = ArtistSnapshot.from_records(snapshot_store.artist_records())
    assert built.n_alive == expected.n_alive == 7
    for artist in artists:
        assert built.record(artist.pk) == expected.record(artist.pk)


def test_snapshot_build_in_steps_holds_every_artist(db, monkeypatch):
    artists = [ArtistFactory(monthly_listeners=1000 * i) for i in range(1, 6)]
    monkeypatch.setattr(snapshot_store, "_BUILD_CHUNK", 2)  # 3 steps: 2 + 2 + 1 artists
    snap = snapshot_store.snapshot_build()
    assert snap.n_alive == 5
    assert sorted(np.asarray(snap.arrays["ids"]).tolist()) == sorted(a.pk for a in artists)
    assert snap.record(artists[4].pk)["monthly_listeners"] == 5000
