"""Bridges the database and the matching engine (campaigns/matching/, which knows no Django).

- The snapshot (building, publishing, fetching, versions) is snapshot_store.py's: one version
  published in the database, fetched once per node and memory-mapped.
- `matches_recompute` ranks one brief and replaces its Match rows (top AUX_MATCHES_KEPT); with
  no version published yet it queues the first build and says "ranking in progress" instead of
  building inside the task that asked (`snapshot_first_build` ranks the briefs that waited).
- `artists_changed` (every artist write, imports included, after commit) counts the change and
  makes sure a refresh runs after it: at once without a worker (eager tasks: a countdown is not
  honoured there), else at the end of the debounce window; see `snapshot_refresh_and_rerank`.
PostgreSQL stays the source of truth: the snapshot can always be rebuilt from it.
"""

import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from artists.models import Artist, Genre, Mood, emerging_since
from aux.dispatch import enqueue
from aux.notifications.models import Notification
from aux.notifications.services import notify
from campaigns.matching import ArtistSnapshot, BriefQuery, Curation, Ranking, rank

from .models import Brief, Match, MatchCuration
from .relaxation import FEW_CANDIDATES, relaxation_hints
from .snapshot_store import get_snapshot, snapshot_build_if_missing, snapshot_refresh

logger = logging.getLogger(__name__)

# Cache keys: a change counter that only goes up, the count the last refresh covered, and the
# "a refresh is queued" flag of the debounce.
_CHANGES = "matching:changes"
_COVERED = "matching:changes-covered"
_SCHEDULED = "matching:refresh-scheduled"
_BUILD_QUEUED = "matching:first-build-queued"
TOP_SHARE_SHOWN = 20  # the match page states the emerging share of this many first matches


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


def brief_rank(brief: Brief, *, snapshot: ArtistSnapshot, k: int | None = None) -> Ranking | None:
    query = brief_query(brief)
    if query is None:
        return None
    return rank(
        snapshot,
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
    snapshot = get_snapshot()
    if snapshot is None:
        snapshot = _snapshot_first_request()
    if snapshot is None:  # the first build is queued: it ranks this brief when it is done
        brief.match_stats = {"pending": True}
        brief.save(update_fields=["match_stats"])
        return 0
    ranking = brief_rank(brief, snapshot=snapshot)
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
            snapshot=snapshot, query=brief_query(brief), hidden=curation_for(brief).hidden
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


def _snapshot_first_request() -> ArtistSnapshot | None:
    """No version is published yet: queue the first build (once for all the briefs asking) and
    return what is published now. Eager tasks (the demo) build here and rank at once."""
    from .tasks import snapshot_ensure  # at use: the tasks import this module

    if snapshot_ensure.app.conf.task_always_eager or cache.add(_BUILD_QUEUED, 1, timeout=600):
        enqueue(snapshot_ensure)
    return get_snapshot()


def snapshot_first_build() -> int:
    """The task queued by `_snapshot_first_request`: build the first version unless another
    node did, then rank the briefs that waited for it; returns how many were queued."""
    from .tasks import brief_compute_matches  # at use: the tasks import this module

    snapshot_build_if_missing()
    cache.delete(_BUILD_QUEUED)
    waiting = list(Brief.objects.filter(match_stats__pending=True).values_list("pk", flat=True))
    for brief_id in waiting:
        enqueue(brief_compute_matches, brief_id)
    return len(waiting)


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
