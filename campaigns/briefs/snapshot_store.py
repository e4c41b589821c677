"""The matching snapshot's store: built once, published in the database, cached on each node.

- Building: `snapshot_build` reads every artist into the engine's ArtistSnapshot (columns, in id
  ranges: bounded memory); `snapshot_refresh` applies only the artists changed since the current
  version was read (their `updated_at` moved: related rows touch it, see signals.py) and drops
  deleted ones. One build or refresh at a time on all nodes: a PostgreSQL advisory lock, held
  by the transaction that publishes.
- Publishing: the new version's array files go into SnapshotPart rows (bytea, PART_BYTES each)
  and its SnapshotVersion row, the newest, makes it current; one transaction, so no node ever
  sees half a version. The last KEEP versions are kept.
- Reading: `get_snapshot` asks the database which version is current (one indexed query) and,
  the first time this node meets it, downloads it into AUX_SNAPSHOT_DIR (once per node: the
  processes sharing the folder take a file lock), then memory-maps it read-only. The folder is
  only a cache: deleting it costs a download. None while nothing is published yet: callers queue
  the first build instead of waiting for it (matching_service.matches_recompute).
PostgreSQL stays the source of truth: a version can always be rebuilt from the artists.
"""

import contextlib
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import FloatField, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from artists.models import AgeShare, Artist, AudienceShare, Rate, Unavailability
from campaigns.matching import ArtistColumns, ArtistSnapshot
from campaigns.matching.snapshot import EPOCH

from .models import SnapshotPart, SnapshotVersion

logger = logging.getLogger(__name__)

_LOCK_ID = 0x4155_584D  # "AUXM": the PostgreSQL advisory lock taken by builds and refreshes
_FETCH = 20_000  # rows per round trip of the streamed (server-side cursor) reads
_BUILD_CHUNK = 20_000  # artists read per step of snapshot_build: ~80 MB of Python records
PART_BYTES = 8 << 20  # one SnapshotPart row: small enough for any client, few round trips
KEEP = 3  # versions kept, in the database and in each node's folder
_mapped: dict[str, ArtistSnapshot] = {}  # per process: AUX_SNAPSHOT_DIR → the version mapped


def _root() -> Path:
    return Path(settings.AUX_SNAPSHOT_DIR)


def _chunks(ids: list[int], size: int = 20_000) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def artist_records(artist_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Plain records for the engine, read with one query per table (streamed), not per artist."""
    ids = None if artist_ids is None else list(artist_ids)
    return _records({} if ids is None else {"id__in": ids}, {} if ids is None else None)


def _records(artist_filter: dict[str, Any], related_filter: dict[str, Any] | None) -> list[dict]:
    """Records of the artists matching `artist_filter`; `related_filter` selects their related
    rows (None: by the artist ids found). An id range reads every table by index range; an id
    list becomes `IN (...)`."""
    records: dict[int, dict[str, Any]] = {}
    # Casts done by the database: JSON as text (json.loads is ~4x cheaper than the JSONField
    # converter) and decimals as floats (no Decimal objects), ~1 s per 100k artists saved.
    rows = Artist.objects.filter(**artist_filter).order_by("id").values_list(
        "id", "stage_name", "bio", "search_tags", "monthly_listeners", "verified",
        Cast("followers", TextField()), Cast("engagement_rate", FloatField()),
        "first_release_year", Cast("languages", TextField()),
    )  # fmt: skip
    loads = json.loads
    for aid, name, bio, tags, listeners, verified, followers, engagement, first, langs in _stream(
        rows
    ):
        records[aid] = {
            "id": aid,
            "languages": loads(langs or "[]"),
            "monthly_listeners": listeners,
            "first_release_year": first,
            "followers": {k: int(v) for k, v in loads(followers or "{}").items()},
            "engagement_rate": engagement,
            "verified": bool(verified),
            "text": f"{name} {bio} {tags}",
            "genres": [], "moods": [], "refused_categories": [], "audience": {}, "age": {},
            "rates": {}, "unavailable": [],
        }  # fmt: skip
    if not records:
        return []
    for aid, rating in _ratings(artist_filter).items():
        records[aid]["rating"] = rating
    if related_filter is None:
        related_filter = {"artist_id__in": list(records)}

    def related(qs, *fields):
        # Unordered on purpose: PostgreSQL streams the rows without sorting them first.
        return _stream(qs.filter(**related_filter).values_list(*fields))

    for aid, gid in related(Artist.genres.through.objects, "artist_id", "genre_id"):
        records[aid]["genres"].append(gid)
    for aid, mid in related(Artist.moods.through.objects, "artist_id", "mood_id"):
        records[aid]["moods"].append(mid)
    refused = Artist.refused_categories.through.objects
    for aid, cid in related(refused, "artist_id", "brandcategory_id"):
        records[aid]["refused_categories"].append(cid)
    share = Cast("share", FloatField())
    for aid, country, s in related(AudienceShare.objects, "artist_id", "country", share):
        records[aid]["audience"][str(country)] = s
    for aid, bucket, s in related(AgeShare.objects, "artist_id", "bucket", share):
        records[aid]["age"][bucket] = s
    rates = related(Rate.objects, "artist_id", "deliverable_type_id", "min_fee", "currency")
    for aid, dtype, fee, currency in rates:
        records[aid]["rates"][dtype] = (fee, currency)
    # Past unavailability can never overlap a brief: leave it out of the snapshot.
    future = Unavailability.objects.filter(end__gte=date.today())
    future = future.filter(**related_filter).values_list("artist_id", "start", "end")
    for aid, start, end in future.iterator(chunk_size=_FETCH):  # ORM: dates as date objects
        records[aid]["unavailable"].append((start, end))
    return list(records.values())


# The artists' ratings come from reviews of bookings, a layer above: the reviews register their
# reader in CampaignsConfig.ready() (a registered callable, like the bookings hooks' readers).
RatingsReader = Callable[[dict[str, Any]], dict[int, float]]
_ratings_readers: list[RatingsReader] = []


def ratings_reader_register(reader: RatingsReader) -> None:
    """`reader(artist_filter)` answers {artist id: mean rating} for the artists matching the
    Artist lookups of `artist_filter`; an artist it leaves out has no rating (unknown)."""
    if reader not in _ratings_readers:
        _ratings_readers.append(reader)


def _ratings(artist_filter: dict[str, Any]) -> dict[int, float]:
    ratings: dict[int, float] = {}
    for reader in _ratings_readers:
        ratings.update(reader(artist_filter))
    return ratings


def _stream(rows: QuerySet) -> Iterator[tuple]:
    """The rows of a values_list queryset straight from a server-side cursor: no per-row
    converters or model iterator (a third of the read time at 1M artists). Only for columns
    whose raw database values are what the engine wants (ints, strings, floats cast in SQL)."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_FETCH):
            yield from chunk


def _fetch(rows: QuerySet) -> list[tuple]:
    """All rows of a values_list queryset in one round trip, raw database values (as `_stream`;
    for one id range of the build, whose size bounds the memory)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(lo: int, hi: int) -> ArtistColumns:
    """The artists with lo ≤ id ≤ hi as columns for the engine: every table read by index range
    and turned into columns with zip(*rows), no per-artist Python object (the records path
    spent about half of a 1M build there)."""
    on_postgresql = connection.vendor == "postgresql"
    # The followers total in SQL on PostgreSQL (json.loads per artist was a third of the
    # Python time); elsewhere the JSON text is summed here, as artist_records does.
    followers_sql = (
        RawSQL(
            "(SELECT COALESCE(SUM(TRUNC(f.value::numeric)), 0)::bigint "
            "FROM jsonb_each_text(artists_artist.followers) f)",
            (),
        )
        if on_postgresql
        else Cast("followers", TextField())
    )
    rows = Artist.objects.filter(id__gte=lo, id__lte=hi).order_by("id").values_list(
        "id", "stage_name", "bio", "search_tags", "monthly_listeners", "verified",
        followers_sql, Cast("engagement_rate", FloatField()), "first_release_year",
        Cast("languages", TextField()),
    )  # fmt: skip
    artists = _fetch(rows)
    if not artists:
        return ArtistColumns(
            ids=[], monthly_listeners=[], followers_total=[], engagement_rate=[], verified=[],
            texts=[],
        )  # fmt: skip
    ids, names, bios, tags, listeners, verified, followers, engagement, first, langs = zip(
        *artists, strict=True
    )
    lang_pairs = [(i, c) for i, text in zip(ids, langs, strict=True) for c in json.loads(text)]
    del artists
    ratings = _ratings({"id__gte": lo, "id__lte": hi})
    loads = json.loads
    related_filter = {"artist_id__gte": lo, "artist_id__lte": hi}

    def related(qs, *fields) -> tuple[tuple, ...]:
        got = _fetch(qs.filter(**related_filter).values_list(*fields))
        return tuple(zip(*got, strict=True)) if got else ((),) * len(fields)

    share = Cast("share", FloatField())
    today = date.today()
    future = Unavailability.objects.filter(end__gte=today, **related_filter)
    unav = list(future.values_list("artist_id", "start", "end").iterator(chunk_size=_FETCH))
    epoch = EPOCH.toordinal()
    return ArtistColumns(
        ids=ids,
        monthly_listeners=listeners,
        followers_total=followers
        if on_postgresql
        else [sum(int(v) for v in loads(f).values()) if f else 0 for f in followers],
        engagement_rate=engagement,
        verified=verified,
        texts=[f"{n} {b} {t}" for n, b, t in zip(names, bios, tags, strict=True)],
        rating=[ratings.get(i, np.nan) for i in ids],
        first_release_year=[y or 0 for y in first],
        languages=(
            [i for i, _ in lang_pairs],
            [code for _, code in lang_pairs],
        ),
        genres=related(Artist.genres.through.objects, "artist_id", "genre_id"),
        moods=related(Artist.moods.through.objects, "artist_id", "mood_id"),
        refused_categories=related(
            Artist.refused_categories.through.objects, "artist_id", "brandcategory_id"
        ),
        audience=related(AudienceShare.objects, "artist_id", "country", share),
        age=related(AgeShare.objects, "artist_id", "bucket", share),
        rates=related(Rate.objects, "artist_id", "deliverable_type_id", "min_fee", "currency"),
        unavailable=(
            [u[0] for u in unav],
            [u[1].toordinal() - epoch for u in unav],
            [u[2].toordinal() - epoch for u in unav],
        ),
    )


def _columns_by_id_range(size: int) -> Iterator[ArtistColumns]:
    """Every artist as columns, `size` artists at a time, in id order (bounded memory)."""
    ids = np.array(_fetch(Artist.objects.order_by("id").values_list("id")), dtype=np.int64)
    ids = ids.reshape(-1)
    for start in range(0, len(ids), size):
        yield _columns(int(ids[start]), int(ids[min(start + size, len(ids)) - 1]))


# ---- one build or refresh at a time, published in the database -----------------------------
@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One build or refresh at a time across processes (PostgreSQL advisory lock): two
    refreshes starting from the same version would each save one half of the changes. The
    lock belongs to the transaction, so no error path can leave it held by a pooled session."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        yield


def _covered_since() -> datetime:
    """The time from which the next refresh must look for changes once this one has read.

    Not simply "now": a transaction still open (an import writes for minutes in one) stamped its
    rows earlier and commits later, unseen by this read. So: the start of the oldest transaction
    of another session, if earlier. Session columns of other database users are hidden unless
    the role may read them: web and worker share one user."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        return now  # SQLite (the demo): one writer at a time, tasks run after its commit
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        (oldest,) = cursor.fetchone()
    return min(now, oldest) if oldest is not None else now


def snapshot_build() -> ArtistSnapshot:
    """Full rebuild from the database, published as the current version; returns it."""
    with _exclusive():
        return _snapshot_build()


def snapshot_build_if_missing() -> bool:
    """Build and publish the first version unless one is published already (asked again while
    the first build ran: the lock makes the second caller find it). True if it built."""
    with _exclusive():
        if current_version() is not None:
            return False
        _snapshot_build()
        return True


def _snapshot_build() -> ArtistSnapshot:
    started = _covered_since()
    # Read the artists in id ranges and turn each range into arrays before reading the next, so
    # 1M artists never sit in memory as Python objects (from_batches joins the arrays once at
    # the end); each range goes to the engine as columns, not as per-artist records.
    snap = ArtistSnapshot.from_batches(_columns_by_id_range(_BUILD_CHUNK))
    _publish(snap, covered_since=started)
    logger.info("matching snapshot %s built: %d artists", snap.version, snap.n_alive)
    return snap


def snapshot_refresh() -> int:
    """Apply the artists changed (or deleted) since the current version read them, publish the
    result; returns how many changed (the first version is built if there is none).

    "Since" is when the previous build or refresh read, moved back to the start of any
    transaction then still open (`_covered_since`), so a change committed after a refresh read
    is applied by the next one however long its transaction ran. It starts from the published
    version, whichever node built it."""
    with _exclusive():
        return _snapshot_refresh()


def _snapshot_refresh() -> int:
    current = current_version()
    if current is None:
        return _snapshot_build().n_alive
    started = _covered_since()
    snap = _mapped_version(current)
    changed = list(
        Artist.objects.filter(updated_at__gte=current.covered_since).values_list("id", flat=True)
    )
    alive_ids = np.asarray(snap.arrays["ids"])[np.asarray(snap.arrays["alive"], dtype=bool)]
    db_ids = np.fromiter(Artist.objects.values_list("id", flat=True), dtype=np.int64)
    removed = np.setdiff1d(alive_ids, db_ids, assume_unique=True).tolist()
    if not changed and not removed:
        return 0
    if len(changed) > max(_BUILD_CHUNK, snap.n_alive // 2):
        # A large import: the bounded-memory full build beats records for every artist.
        _snapshot_build()
        return len(changed) + len(removed)
    records = [r for chunk in _chunks(changed) for r in artist_records(chunk)]
    _publish(snap.with_updates(records, removed), covered_since=started)
    return len(changed) + len(removed)


def _publish(snap: ArtistSnapshot, *, covered_since: datetime) -> None:
    """Save `snap` in this node's folder and publish it as the current version (inside the
    caller's transaction); drop the versions beyond KEEP."""
    vdir = snap.save(_root(), keep=KEEP)
    files = sorted(vdir.iterdir())
    row = SnapshotVersion.objects.create(
        version=snap.version,
        covered_since=covered_since,
        n_alive=snap.n_alive,
        size=sum(f.stat().st_size for f in files),
    )
    for path in files:
        with path.open("rb") as f:
            seq = 0
            while data := f.read(PART_BYTES):
                SnapshotPart.objects.create(snapshot=row, name=path.name, seq=seq, data=data)
                seq += 1
    old = list(SnapshotVersion.objects.values_list("pk", flat=True)[KEEP:])
    SnapshotPart.objects.filter(snapshot__in=old).delete()
    SnapshotVersion.objects.filter(pk__in=old).delete()


# ---- reading: the current version, fetched once per node, memory-mapped --------------------
def current_version() -> SnapshotVersion | None:
    """The published version every node ranks against (the newest row); None before the first
    build."""
    return SnapshotVersion.objects.first()


def get_snapshot() -> ArtistSnapshot | None:
    """The current version, memory-mapped (fetched into this node's folder the first time);
    None while nothing is published. One query when this process has it mapped already."""
    for _attempt in range(3):  # a version pruned while we fetched it: take the newer one
        current = current_version()
        if current is None:
            return None
        with contextlib.suppress(_Gone):
            return _mapped_version(current)
    raise RuntimeError("the matching snapshot changed three times while it was being fetched")


class _Gone(Exception):
    """The version was deleted (pruned) before this node fetched it."""


def _mapped_version(current: SnapshotVersion) -> ArtistSnapshot:
    root = _root()
    snap = _mapped.get(str(root))
    if snap is None or snap.version != current.version:
        _fetch_version(root, current)
        snap = _mapped[str(root)] = ArtistSnapshot.load(root, version=current.version)
    return snap


def _fetch_version(root: Path, current: SnapshotVersion) -> None:
    """Download `current` into root/versions/<version> unless it is there: once per node, the
    processes sharing the folder wait for the one fetching it. The folder appears whole
    (written aside, then renamed)."""
    vdir = root / "versions" / current.version
    if (vdir / "manifest.json").exists():
        return
    vdir.parent.mkdir(parents=True, exist_ok=True)
    with (root / ".fetch.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (vdir / "manifest.json").exists():
            return  # another process of this node fetched it meanwhile
        tmp = vdir.parent / f".fetch-{current.version}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        got, writing, out = 0, None, None
        parts = SnapshotPart.objects.filter(snapshot_id=current.pk).order_by("name", "seq")
        try:  # one part in memory at a time (a server-side cursor on PostgreSQL)
            for name, data in parts.values_list("name", "data").iterator(chunk_size=1):
                if name != writing:
                    if out is not None:
                        out.close()
                    writing, out = name, (tmp / name).open("wb")
                got += out.write(data)
        finally:
            if out is not None:
                out.close()
        if got != current.size:
            shutil.rmtree(tmp)
            raise _Gone(current.version)
        os.replace(tmp, vdir)
        _prune(root, keep=current.version)
    logger.info("matching snapshot %s fetched: %d bytes", current.version, got)


def _prune(root: Path, *, keep: str) -> None:
    """Delete the oldest version folders beyond KEEP (never `keep`); a process that mapped one
    keeps reading it (the kernel holds a deleted file's pages while they are mapped)."""
    names = sorted(p.name for p in (root / "versions").iterdir() if p.name.startswith("v"))
    for name in names[:-KEEP]:
        if name != keep:
            shutil.rmtree(root / "versions" / name, ignore_errors=True)
