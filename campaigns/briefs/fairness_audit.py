"""Fairness audit for staff: how much exposure emerging and established artists get from rankings.

Exposure of one Match row is the position bias of its rank, 1 / log2(1 + rank) (DCG's discount:
rank 1 → 1, rank 2 → 0.631, rank 3 → 0.5). An artist's cumulative exposure is the sum over
their Match rows in every brief. Singh & Joachims (2018, "Fairness of Exposure in Rankings")
ask that each group's exposure be proportional to its relevance: exposure per unit of relevance
(here relevance = the match score) should be equal for both groups, so the disparate-exposure
ratio (emerging ÷ established) should be close to 1; below 1 emerging artists get less exposure
than their scores merit.

Every number is aggregated by the database (one GROUP BY query per table shown); LOG(2, x)
exists on PostgreSQL and Django registers it on SQLite, so both run the same query.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Log, TruncWeek
from django.utils.safestring import SafeString

from artists.models import artist_is_emerging
from aux.charts import line_chart

from .models import Match

GROUPS = ("emerging", "established")


def exposure_expression():
    """1 / log2(1 + rank) of a Match row, as a database expression."""
    return Value(1.0, output_field=FloatField()) / Log(
        Value(2.0, output_field=FloatField()), F("rank") + Value(1.0, output_field=FloatField())
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class GroupTotals:
    """One group's sums over its Match rows."""

    matches: int = 0
    exposure: float = 0.0
    relevance: float = 0.0

    @property
    def exposure_per_relevance(self) -> float | None:
        return _ratio(self.exposure, self.relevance)


@dataclass(frozen=True)
class AuditPeriod:
    """Both groups over one period (a week, or all time when `week` is None)."""

    week: date | None
    emerging: GroupTotals
    established: GroupTotals

    @property
    def disparity(self) -> float | None:
        """Singh & Joachims' ratio: emerging exposure/relevance ÷ established's (1 = fair)."""
        e, n = self.emerging.exposure_per_relevance, self.established.exposure_per_relevance
        return _ratio(e, n) if e is not None and n is not None else None


@dataclass(frozen=True)
class ArtistExposure:
    artist_id: int
    slug: str
    stage_name: str
    emerging: bool  # the artist's current profile (artists.models.artist_is_emerging)
    emerging_matches: int  # of their Match rows, how many ranked them as emerging
    matches: int
    exposure: float
    relevance: float


def _periods(rows) -> dict[date | None, dict[str, GroupTotals]]:
    out: dict[date | None, dict[str, GroupTotals]] = {}
    for row in rows:
        week = row.get("week")
        if isinstance(week, datetime):
            week = week.date()
        group = "emerging" if row["emerging"] else "established"
        out.setdefault(week, {})[group] = GroupTotals(
            matches=row["matches"],
            exposure=float(row["exposure"] or 0),
            relevance=float(row["relevance"] or 0),
        )
    return out


def _period(week: date | None, groups: dict[str, GroupTotals]) -> AuditPeriod:
    return AuditPeriod(
        week=week,
        emerging=groups.get("emerging", GroupTotals()),
        established=groups.get("established", GroupTotals()),
    )


def _sums():
    return {
        "matches": Count("id"),
        "exposure": Sum(exposure_expression()),
        "relevance": Sum("score"),
    }


def exposure_totals(*, since: date | None = None) -> AuditPeriod:
    """Both groups over every Match row (computed on or after `since`, if given): one query."""
    qs = Match.objects.all()
    if since is not None:
        qs = qs.filter(computed_at__date__gte=since)
    rows = qs.order_by().values("emerging").annotate(**_sums())
    return _period(None, _periods(rows).get(None, {}))


def exposure_by_week(*, by: str = "computed", since: date | None = None) -> list[AuditPeriod]:
    """Both groups per week, oldest first: one query. `by="computed"` groups Match rows by the
    week they were computed, `by="published"` by the week their brief was published (briefs never
    published are left out then)."""
    field = "brief__published_at" if by == "published" else "computed_at"
    qs = Match.objects.filter(**{f"{field}__isnull": False})
    if since is not None:
        qs = qs.filter(**{f"{field}__date__gte": since})
    rows = (
        qs.order_by()
        .annotate(week=TruncWeek(field))
        .values("week", "emerging")
        .annotate(**_sums())
        .order_by("week", "emerging")
    )
    return [_period(week, groups) for week, groups in _periods(rows).items()]


def top_artists_by_exposure(*, limit: int = 20) -> list[ArtistExposure]:
    """The artists with the most cumulative exposure across all briefs: one query."""
    rows = (
        Match.objects.order_by()
        .values(
            "artist_id",
            "artist__slug",
            "artist__stage_name",
            "artist__monthly_listeners",
            "artist__followers",
            "artist__first_release_year",
        )
        .annotate(**_sums(), emerging_matches=Count("id", filter=Q(emerging=True)))
        .order_by("-exposure", "artist_id")[:limit]
    )
    return [
        ArtistExposure(
            artist_id=r["artist_id"],
            slug=r["artist__slug"],
            stage_name=r["artist__stage_name"],
            emerging=artist_is_emerging(
                listeners=r["artist__monthly_listeners"],
                followers=r["artist__followers"],
                first_release_year=r["artist__first_release_year"],
            ),
            emerging_matches=r["emerging_matches"],
            matches=r["matches"],
            exposure=float(r["exposure"] or 0),
            relevance=float(r["relevance"] or 0),
        )
        for r in rows
    ]


def exposure_chart(periods: list[AuditPeriod]) -> SafeString:
    """Exposure per unit of relevance per week, one line per group (server-side SVG)."""
    labels = [p.week.isoformat() if p.week else "all" for p in periods]
    return line_chart(
        labels,
        [
            ("Emerging", "chart-series-a", [p.emerging.exposure_per_relevance for p in periods]),
            (
                "Established",
                "chart-series-b",
                [p.established.exposure_per_relevance for p in periods],
            ),
        ],
        title="Exposure per unit of relevance, by week",
    )
