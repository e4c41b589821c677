"""Bridges the database and the matching engine (campaigns/matching/, which knows no Django).

- `snapshot_build` reads every artist from PostgreSQL into an ArtistSnapshot and saves a new
  version under AUX_SNAPSHOT_DIR; every web and worker process memory-maps the current version
  read-only through one SnapshotStore (a new version is picked up on the next call).
- `snapshot_refresh` applies only the artists changed since the snapshot was built (their
  `updated_at` moved: related rows touch it, see campaigns/briefs/signals.py) and drops deleted
  ones.
- `matches_recompute` ranks one brief and replaces its Match rows (top AUX_MATCHES_KEPT).
- `artists_changed` (every artist write, imports included, after commit) counts the change and
  makes sure a refresh runs after it: at once without a worker (eager tasks: a countdown is not
  honoured there), else at the end of the debounce window; see `snapshot_refresh_and_rerank`.
PostgreSQL stays the source of truth: the snapshot can always be rebuilt from it.
"""

import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import FloatField, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from artists.models import (
    AgeShare,
    Artist,
    AudienceShare,
    Genre,
    Mood,
    Rate,
    Unavailability,
    emerging_since,
)
from aux.dispatch import enqueue
from aux.notifications.models import Notification
from aux.notifications.services import notify
from campaigns.matching import (
    ArtistColumns,
    ArtistSnapshot,
    BriefQuery,
    Curation,
    Ranking,
    SnapshotStore,
    rank,
)
from campaigns.matching.snapshot import EPOCH

from .models import Brief, Match, MatchCuration
from .relaxation import FEW_CANDIDATES, relaxation_hints

logger = logging.getLogger(__name__)

_META = "django-meta.json"
# Cache keys: a change counter that only goes up, the count the last refresh covered, and the
# "a refresh is queued" flag of the debounce.
_CHANGES = "matching:changes"
_COVERED = "matching:changes-covered"
_SCHEDULED = "matching:refresh-scheduled"
_LOCK_ID = 0x4155_584D  # "AUXM": the PostgreSQL advisory lock taken by builds and refreshes
_stores: dict[str, SnapshotStore] = {}
TOP_SHARE_SHOWN = 20  # the match page states the emerging share of this many first matches
_FETCH = 20_000  # rows per round trip of the streamed (server-side cursor) reads
_BUILD_CHUNK = 20_000  # artists read per step of snapshot_build: ~80 MB of Python records


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


def _write_meta(built_at: datetime, version: str) -> None:
    (_root() / _META).write_text(json.dumps({"built_at": built_at.isoformat(), "version": version}))


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
    """Full rebuild from the database; returns the new (saved) snapshot."""
    with _exclusive():
        return _snapshot_build()


def _snapshot_build() -> ArtistSnapshot:
    started = _covered_since()
    # Read the artists in id ranges and turn each range into arrays before reading the next, so
    # 1M artists never sit in memory as Python objects (from_batches joins the arrays once at
    # the end); each range goes to the engine as columns, not as per-artist records.
    snap = ArtistSnapshot.from_batches(_columns_by_id_range(_BUILD_CHUNK))
    snap.save(_root())
    _write_meta(started, snap.version)
    logger.info("matching snapshot %s built: %d artists", snap.version, snap.n_alive)
    return snap


def get_snapshot() -> ArtistSnapshot:
    """The current snapshot, memory-mapped; built first if there is none yet."""
    root = _root()
    if not (root / "CURRENT").exists():
        snapshot_build()
    store = _stores.setdefault(str(root), SnapshotStore(root))
    return store.get()


def snapshot_refresh() -> int:
    """Apply the artists changed (or deleted) since the last build; returns how many changed.

    "Since" is when the previous build or refresh read, moved back to the start of any
    transaction then still open (`_covered_since`), so a change committed after a refresh read
    is applied by the next one however long its transaction ran."""
    with _exclusive():
        return _snapshot_refresh()


def _snapshot_refresh() -> int:
    root = _root()
    meta_path = root / _META
    if not (root / "CURRENT").exists() or not meta_path.exists():
        return _snapshot_build().n_alive
    meta = json.loads(meta_path.read_text())
    since = datetime.fromisoformat(meta["built_at"])
    started = _covered_since()
    snap = get_snapshot()
    changed = list(Artist.objects.filter(updated_at__gte=since).values_list("id", flat=True))
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
    new = snap.with_updates(records, removed)
    new.save(root)
    _write_meta(started, new.version)
    return len(changed) + len(removed)


def brief_query(brief: Brief) -> BriefQuery | None:
    """What the engine needs of a brief; None while the brief lacks a budget, dates or lines."""
    lines = {d.deliverable_type_id: d.quantity for d in brief.deliverables.all()}
    if brief.budget_max is None or brief.start_date is None or not lines:
        return None
    return BriefQuery(
        deliverables=lines,
        budget_min=brief.budget_min or 0,
        budget_max=brief.budget_max,
        currency=brief.currency,
        start_date=brief.start_date,
        end_date=brief.end_date,
        objective=brief.objective,
        territories=[c.code for c in brief.territories],
        age_min=brief.age_min,
        age_max=brief.age_max,
        genres=[g.pk for g in brief.genres.all()],
        moods=[m.pk for m in brief.moods.all()],
        brand_category=brief.brand.category_id,
        emerging_share=float(brief.emerging_share),
        fairness=brief.fairness,
        audience_size=brief.audience_size,
        languages=list(brief.languages),
        alpha=settings.AUX_FAIRNESS_ALPHA,
        text=f"{brief.title} {brief.description}",
        genre_families=genre_families(),
        ignore_words=[
            *Genre.objects.values_list("name", flat=True),
            *Mood.objects.values_list("name", flat=True),
        ],
    )


def genre_families() -> dict[int, int]:
    """Genre id → the root of its branch of the taxonomy, for the genres that have a parent (a
    root is its own family). A cycle staff might create is cut where it closes."""
    parent = dict(Genre.objects.values_list("pk", "parent_id"))
    out = {}
    for g, up in parent.items():
        seen = {g}
        while up is not None and up not in seen:
            seen.add(up)
            g_root, up = up, parent.get(up)
            out[g] = g_root
    return out


def curation_for(brief: Brief) -> Curation:
    rows = list(MatchCuration.objects.filter(brief=brief))
    pinned = sorted((c for c in rows if c.pin_order is not None and not c.hidden),
                    key=lambda c: (c.pin_order, c.artist_id))  # fmt: skip
    return Curation(
        pinned=[c.artist_id for c in pinned],
        boosts={c.artist_id: c.boost for c in rows if c.boost},
        hidden=[c.artist_id for c in rows if c.hidden],
    )


def brief_rank(brief: Brief, *, k: int | None = None) -> Ranking | None:
    query = brief_query(brief)
    if query is None:
        return None
    return rank(
        get_snapshot(),
        query,
        weights=settings.AUX_MATCH_WEIGHTS,
        curation=curation_for(brief),
        k=k or settings.AUX_MATCHES_KEPT,
        emerging_threshold=settings.AUX_EMERGING_MAX_LISTENERS,
        emerging_since=emerging_since(),
        fx=settings.AUX_FX_RATES,
    )


@transaction.atomic
def matches_recompute(*, brief: Brief) -> int:
    """Rank the brief and replace its Match rows; returns how many were stored."""
    brief = Brief.objects.select_for_update().select_related("brand").get(pk=brief.pk)
    ranking = brief_rank(brief)
    now = timezone.now()
    Match.objects.filter(brief=brief).delete()
    if ranking is None:
        brief.match_stats = {"incomplete": brief.missing_for_publication()}
        brief.matches_computed_at = now
        brief.save(update_fields=["match_stats", "matches_computed_at"])
        return 0
    # Only artists still listed: a profile deleted, or kept anonymised after its account closed
    # (aux.privacy), may linger in the snapshot until the next rebuild.
    existing = set(Artist.objects.listed().filter(pk__in=[m.artist_id for m in ranking.matches])
                   .values_list("pk", flat=True))  # fmt: skip
    Match.objects.bulk_create(
        Match(
            brief=brief,
            artist_id=m.artist_id,
            rank=m.rank,
            score=round(m.score, 6),
            parts=m.parts,
            emerging=m.emerging,
            pinned=m.pinned,
            boost=m.boost,
            placed_by_fairness=m.placed_by_fairness,
            computed_at=now,
        )
        for m in ranking.matches
        if m.artist_id in existing  # an artist deleted since the snapshot was built
    )
    top = ranking.matches[:TOP_SHARE_SHOWN]
    brief.match_stats = {
        "removed": ranking.removed,
        "n_total": ranking.n_total,
        "n_candidates": ranking.n_candidates,
        "fairness": _jsonable(ranking.fairness)
        | {"top_n": len(top), "top_emerging": sum(m.emerging for m in top)},
        "curation": _jsonable(ranking.curation),
        "snapshot_version": ranking.snapshot_version,
    }
    if ranking.n_candidates < FEW_CANDIDATES:  # say which requirement to relax
        brief.match_stats["relax"] = relaxation_hints(
            snapshot=get_snapshot(), query=brief_query(brief), hidden=curation_for(brief).hidden
        )
    brief.matches_computed_at = now
    brief.save(update_fields=["match_stats", "matches_computed_at"])
    return len(ranking.matches)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def published_briefs_rerank() -> int:
    """Queue a re-ranking of every published brief (after artist data changed)."""
    from .tasks import brief_compute_matches  # at use: the tasks import this module

    ids = list(Brief.objects.filter(status=Brief.Status.PUBLISHED).values_list("pk", flat=True))
    for brief_id in ids:
        enqueue(brief_compute_matches, brief_id)
    return len(ids)


def changes_seen() -> int:
    """How many artist changes have committed (a counter that only goes up, in the cache)."""
    return int(cache.get(_CHANGES) or 0)


def changes_covered() -> int:
    """The change count the last finished refresh had seen when it started."""
    return int(cache.get(_COVERED) or 0)


def _count_change() -> None:
    if cache.add(_CHANGES, 1, timeout=None):
        return
    try:
        cache.incr(_CHANGES)
    except ValueError:  # evicted between add and incr
        cache.add(_CHANGES, 1, timeout=None)


def artist_rating_changed(artist_id: int) -> None:
    """A review about the artist became public or was hidden: the snapshot's rating follows
    (the incremental refresh reads the artist's updated_at). A review published by the passing
    of AUX_REVIEW_BLIND_DAYS alone reaches the snapshot at the nightly rebuild."""
    Artist.objects.filter(pk=artist_id).update(updated_at=timezone.now())
    artists_changed()


def artists_changed() -> None:
    """Artist data changed: once committed, count the change and make sure a refresh follows."""

    def committed() -> None:
        _count_change()
        refresh_schedule()

    transaction.on_commit(committed)


def refresh_schedule() -> None:
    """Make sure a snapshot refresh runs after every change committed so far.

    Without a worker (eager tasks: the demo, tests) a countdown is not honoured and the task
    would run before later changes of the window: refresh at once, every time. With a worker,
    the first change of a burst queues one refresh for the end of the debounce window; later
    changes find it queued (cache.add is atomic on Redis) and it reads them, since the task
    clears the flag before it reads anything."""
    from .tasks import snapshot_refresh as refresh_task  # at use: the tasks import this module

    delay = settings.AUX_MATCHING_DEBOUNCE_SECONDS
    if delay <= 0 or refresh_task.app.conf.task_always_eager:
        enqueue(refresh_task)
        return
    # The flag outlives the countdown so that a busy worker starting late is not doubled; a
    # lost task holds it for a few windows at most (the next change, or the nightly rebuild).
    if cache.add(_SCHEDULED, 1, timeout=delay * 4 + 60) and not enqueue(
        refresh_task, countdown=delay
    ):
        cache.delete(_SCHEDULED)  # the broker is down: let the next change try again


def snapshot_refresh_and_rerank() -> int:
    """The refresh task: apply the changed artists, re-rank published briefs if any changed,
    and record the change count covered. A change counted meanwhile (its own scheduling lost
    with an evicted flag) gets another refresh: none is ever dropped."""
    cache.delete(_SCHEDULED)
    seen = changes_seen()
    changed = snapshot_refresh()
    if changed:
        published_briefs_rerank()
    cache.set(_COVERED, seen, timeout=None)
    if changes_seen() != seen:
        refresh_schedule()
    return changed


def snapshot_catch_up() -> bool:
    """Beat: queue a refresh when changes were counted that no refresh covered and none is
    queued (its task lost with the broker, or its flag left behind). True if one was queued."""
    from .tasks import snapshot_refresh as refresh_task  # at use: the tasks import this module

    if changes_seen() == changes_covered() or cache.get(_SCHEDULED) is not None:
        return False
    return enqueue(refresh_task)


def brief_match_notify(*, brief: Brief, top: int = 10) -> int:
    """Tell the artists ranked in a published brief's top `top` (once per brief; opt-in kind)."""
    if brief.status != Brief.Status.PUBLISHED or brief.visibility != Brief.Visibility.PUBLIC:
        return 0
    told = set(
        Notification.objects.filter(
            kind="brief.match",
            target_content_type=ContentType.objects.get_for_model(Brief),
            target_object_id=brief.pk,
        ).values_list("recipient_id", flat=True)
    )
    matches = (
        Match.objects.filter(brief=brief, rank__lte=top, artist__user__isnull=False)
        .exclude(artist__user__in=told)
        .select_related("artist__user")
    )
    url = reverse("campaigns:brief_detail", args=[brief.pk])
    for m in matches:
        notify(
            recipients=[m.artist.user],
            kind="brief.match",
            target=brief,
            text=gettext_noop("%(brief)s (%(brand)s) ranks you #%(rank)s"),
            params={"brief": brief.title, "brand": brief.brand.name, "rank": m.rank},
            url=url,
        )
    return len(matches)
