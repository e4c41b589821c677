"""Reads for campaign reporting: per-brief report, brand overview, staff marketplace overview,
artist earnings, and the results reported on a contract's deliverables.

Every function answers in a fixed number of queries (a few `values()` reads aggregated here),
whatever the number of contracts, so the pages' query counts stay bounded.

Definitions (the page, the CSV and the API all read them from here, so they cannot drift):
- signed contracts: status active, completed or disputed (cancelled and unsigned drafts excluded);
- spend: sum of the signed contracts' totals; paid so far: approved or paid deliverables of those
  contracts (the approved amount when staff decided a partial one, else the amount), plus the
  deposit parts of the others once funded (deposits: paid on funding, campaigns.bookings.terms);
- deliverables done: approved or paid; late: not done, not cancelled, due date before today;
- results: figures reported on the signed contracts' deliverables, summed by kind;
- cost per 1,000 views = spend × 1000 / views; cost per stream = spend / streams (minor units,
  rounded half up; None when nothing was reported).
"""

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from artists.models import artist_is_emerging
from aux.charts import horizontal_bar_chart, line_chart, month_label
from aux.money import format_money, from_minor
from aux.users.models import User
from aux.utils import month_key as _month
from brands.models import Brand
from campaigns.bookings.models import Contract, Milestone, Offer
from campaigns.bookings.selectors import SIGNED_STATUSES, milestones_visible_to
from campaigns.briefs.models import Brief
from payments.models import Payment, Payout

from .models import MilestoneResult

DONE_STATUSES = (Milestone.Status.APPROVED, Milestone.Status.PAID)
KIND_ORDER = list(MilestoneResult.Kind.values)
KIND_LABELS = dict(MilestoneResult.Kind.choices)


def _div_round(numerator: int, denominator: int) -> int | None:
    """Integer division rounded half up; None when dividing by zero."""
    if not denominator:
        return None
    return (2 * numerator + denominator) // (2 * denominator)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _months_between(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- who may see reports -------------------------------------------------------------------------


def report_briefs_for(*, user: User) -> QuerySet[Brief]:
    """Briefs whose report the user may read: staff all, brand members their brands' (any role)."""
    qs = Brief.objects.select_related("brand")
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    return qs.filter(brand__memberships__user=user).distinct()


def report_brands_for(*, user: User) -> QuerySet[Brand]:
    qs = Brand.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    return qs.filter(memberships__user=user).distinct()


# --- results on a contract -----------------------------------------------------------------------


def results_for_milestones(*, milestone_ids: list[int]) -> dict[int, list[MilestoneResult]]:
    """Reported figures grouped by deliverable (one query)."""
    grouped: dict[int, list[MilestoneResult]] = defaultdict(list)
    rows = MilestoneResult.objects.filter(milestone_id__in=milestone_ids).order_by(
        "milestone_id", "kind"
    )
    for r in rows:
        grouped[r.milestone_id].append(r)
    return grouped


def milestone_results(*, milestone: Milestone) -> QuerySet[MilestoneResult]:
    return MilestoneResult.objects.filter(milestone=milestone).order_by("kind")


def result_visible_to(*, user: User, pk: int) -> MilestoneResult | None:
    """One reported figure, if `user` may read its deliverable (the parties and staff)."""
    milestones = milestones_visible_to(user=user).values("pk")
    return MilestoneResult.objects.filter(pk=pk, milestone__in=milestones).first()


# --- one brief -----------------------------------------------------------------------------------


def brief_report(*, brief: Brief, today: date | None = None) -> dict:
    """Everything the campaign page, its CSV and the API show for one brief (4 queries)."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(brief=brief)
        .select_related("artist")
        .only("id", "status", "total", "currency", "signed_at", "funded", "deposit_amount",
              "artist__id", "artist__stage_name", "artist__slug", "artist__monthly_listeners",
              "artist__followers", "artist__first_release_year")
        .order_by("id")
    )  # fmt: skip
    signed = [c for c in contracts if c.status in SIGNED_STATUSES]
    signed_ids = {c.pk for c in signed}
    milestones = list(
        Milestone.objects.filter(contract_id__in=signed_ids).values(
            "contract_id", "status", "due_date", "amount", "approved_amount", "deposit_amount"
        )
    )
    funded_ids = {c.pk for c in signed if c.funded}
    result_rows = list(
        MilestoneResult.objects.filter(milestone__contract_id__in=signed_ids).values(
            "milestone__contract_id", "kind", "value"
        )
    )

    by_state = dict.fromkeys(Contract.Status.values, 0)
    for c in contracts:
        by_state[c.status] += 1
    spend = sum(c.total for c in signed)

    paid_by_contract: dict[int, int] = defaultdict(int)
    done = late = 0
    for m in milestones:
        if m["status"] in DONE_STATUSES:
            done += 1
            amount = m["approved_amount"] if m["approved_amount"] is not None else m["amount"]
            paid_by_contract[m["contract_id"]] += amount
            continue
        if m["contract_id"] in funded_ids:  # its deposit part was paid on funding
            paid_by_contract[m["contract_id"]] += m["deposit_amount"]
        if (
            m["status"] != Milestone.Status.CANCELLED
            and m["due_date"] is not None
            and m["due_date"] < today
        ):
            late += 1
    paid = sum(paid_by_contract.values())

    totals = dict.fromkeys(KIND_ORDER, 0)
    per_contract: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KIND_ORDER, 0))
    for r in result_rows:
        totals[r["kind"]] += r["value"]
        per_contract[r["milestone__contract_id"]][r["kind"]] += r["value"]
    results_total = sum(totals.values())

    artists: dict[int, dict] = {}
    for c in signed:
        a = artists.setdefault(c.artist_id, {
            "artist_id": c.artist_id, "name": c.artist.stage_name, "slug": c.artist.slug,
            "emerging": c.artist.is_emerging, "contracts": 0, "spend": 0, "paid": 0,
            "results": dict.fromkeys(KIND_ORDER, 0),
        })  # fmt: skip
        a["contracts"] += 1
        a["spend"] += c.total
        a["paid"] += paid_by_contract.get(c.pk, 0)
        for k, v in per_contract.get(c.pk, {}).items():
            a["results"][k] += v
    artist_rows = []
    for a in artists.values():
        a["results_total"] = sum(a["results"].values())
        a["spend_share"] = _share(a["spend"], spend)
        a["results_share"] = _share(a["results_total"], results_total)
        a["cost_per_1000_views"] = _div_round(a["spend"] * 1000, a["results"]["views"])
        a["cost_per_stream"] = _div_round(a["spend"], a["results"]["streams"])
        artist_rows.append(a)
    artist_rows.sort(key=lambda a: (-a["spend"], a["name"]))

    return {
        "brief": brief,
        "currency": brief.currency,
        "budget_min": brief.budget_min,
        "budget_max": brief.budget_max,
        "spend": spend,
        "paid": paid,
        "deposits": sum(c.deposit_amount for c in signed if c.funded),
        "budget_left": None if brief.budget_max is None else brief.budget_max - spend,
        "spend_share_of_budget": _share(spend, brief.budget_max or 0),
        "contracts_total": len(contracts),
        "contracts_by_state": [
            {"status": s, "label": str(label), "count": by_state[s]}
            for s, label in Contract.Status.choices
        ],
        "deliverables": {"total": len(milestones), "done": done, "late": late},
        "results": [
            {"kind": k, "label": str(KIND_LABELS[k]), "total": totals[k]} for k in KIND_ORDER
        ],
        "results_by_kind": totals,
        "results_total": results_total,
        "cost_per_1000_views": _div_round(spend * 1000, totals["views"]),
        "cost_per_stream": _div_round(spend, totals["streams"]),
        "artists": artist_rows,
    }


def brief_report_json(report: dict) -> dict:
    """The API's view of brief_report: plain JSON, the same numbers."""
    return {
        "brief": {"id": report["brief"].pk, "title": report["brief"].title},
        **{k: v for k, v in report.items() if k not in ("brief", "results")},
        "results": report["results"],
    }


CSV_HEADER = ["section", "key", "label", "value", "currency"]


def brief_report_rows(report: dict) -> list[list]:
    """The CSV export: one figure per row (section, key, label, value, currency); amounts in the
    currency's units ("1234.50", "EUR"), the currency empty for counts and shares."""
    cur = report["currency"]

    def money(amount: int | None) -> list:
        return ["", ""] if amount is None else [str(from_minor(amount, cur)), cur]

    rows: list[list] = [
        ["summary", "brief_id", "Brief", report["brief"].pk, ""],
        ["summary", "brief_title", "Title", report["brief"].title, ""],
        ["summary", "currency", "Currency", cur, ""],
        ["summary", "budget_max", "Budget (max)", *money(report["budget_max"])],
        ["summary", "spend", "Spend", *money(report["spend"])],
        ["summary", "paid", "Paid so far", *money(report["paid"])],
        ["summary", "deposits", "Deposits paid on funding", *money(report["deposits"])],
        ["summary", "cost_per_1000_views", "Cost per 1,000 views",
         *money(report["cost_per_1000_views"])],
        ["summary", "cost_per_stream", "Cost per stream", *money(report["cost_per_stream"])],
        ["deliverables", "total", "Deliverables", report["deliverables"]["total"], ""],
        ["deliverables", "done", "Done", report["deliverables"]["done"], ""],
        ["deliverables", "late", "Late", report["deliverables"]["late"], ""],
    ]  # fmt: skip
    rows += [
        ["contracts", s["status"], s["label"], s["count"], ""] for s in report["contracts_by_state"]
    ]
    rows += [["results", r["kind"], r["label"], r["total"], ""] for r in report["results"]]
    for a in report["artists"]:
        key = a["slug"]
        rows += [
            ["artist", key, f"{a['name']}: spend", *money(a["spend"])],
            ["artist", key, f"{a['name']}: spend share", f"{a['spend_share']:.4f}", ""],
            ["artist", key, f"{a['name']}: paid", *money(a["paid"])],
            ["artist", key, f"{a['name']}: results", a["results_total"], ""],
            ["artist", key, f"{a['name']}: results share", f"{a['results_share']:.4f}", ""],
        ]
        rows += [
            ["artist", key, f"{a['name']}: {KIND_LABELS[k]}", v, ""]
            for k, v in a["results"].items()
            if v
        ]
    return rows


def brief_report_charts(report: dict) -> dict:
    """Server-side SVG charts for the page (no query); the page's tables hold their figures."""
    spend = report["spend"]
    total = report["contracts_total"]
    results_total = report["results_total"]
    return {
        "artists_spend": horizontal_bar_chart(
            [(a["name"], a["spend_share"]) for a in report["artists"]],
            title=_("Share of spend by artist"),
            table=False,
        )
        if spend
        else None,
        "contracts": horizontal_bar_chart(
            [(s["label"], _share(s["count"], total)) for s in report["contracts_by_state"]],
            title=_("Contracts by state"),
            table=False,
        )
        if total
        else None,
        "results": horizontal_bar_chart(
            [
                (r["label"], _share(r["total"], results_total))
                for r in report["results"]
                if r["total"]
            ],
            title=_("Reported results by kind (share of all figures)"),
            table=False,
        )
        if results_total
        else None,
    }


# --- one brand -----------------------------------------------------------------------------------


def brand_report(*, brand: Brand) -> dict:
    """All the brand's briefs with spend and results, monthly series and the top artists by
    results per cost (3 queries)."""
    briefs = list(Brief.objects.filter(brand=brand).only("id", "title", "status", "currency",
                                                          "budget_max", "created_at"))  # fmt: skip
    contracts = list(
        Contract.objects.filter(brand=brand, status__in=SIGNED_STATUSES)
        .select_related("artist")
        .only("id", "brief_id", "total", "currency", "signed_at", "artist__id",
              "artist__stage_name", "artist__slug", "artist__monthly_listeners",
              "artist__followers", "artist__first_release_year")
    )  # fmt: skip
    results = list(
        MilestoneResult.objects.filter(
            milestone__contract__brand=brand, milestone__contract__status__in=SIGNED_STATUSES
        ).values("milestone__contract_id", "kind", "value", "reported_at")
    )
    brief_rows = {
        b.pk: {"brief": b, "spend": 0, "contracts": 0, "results": 0, "views": 0, "streams": 0}
        for b in briefs
    }
    contract_by_id = {c.pk: c for c in contracts}
    spend_month: dict[str, int] = defaultdict(int)
    results_month: dict[str, int] = defaultdict(int)
    artist_rows: dict[int, dict] = {}
    for c in contracts:
        row = brief_rows[c.brief_id]
        row["spend"] += c.total
        row["contracts"] += 1
        if c.signed_at:
            spend_month[_month(c.signed_at)] += c.total
        a = artist_rows.setdefault(c.artist_id, {
            "name": c.artist.stage_name, "slug": c.artist.slug, "spend": 0, "results": 0,
            "currency": c.currency,
        })  # fmt: skip
        a["spend"] += c.total
    for r in results:
        c = contract_by_id[r["milestone__contract_id"]]
        row = brief_rows[c.brief_id]
        row["results"] += r["value"]
        if r["kind"] in ("views", "streams"):
            row[r["kind"]] += r["value"]
        results_month[_month(r["reported_at"])] += r["value"]
        artist_rows[c.artist_id]["results"] += r["value"]
    for a in artist_rows.values():
        # Results per 1 unit of money (100 minor units) spent.
        a["results_per_unit"] = round(a["results"] * 100 / a["spend"], 2) if a["spend"] else 0.0
    top = sorted(artist_rows.values(), key=lambda a: (-a["results_per_unit"], a["name"]))[:10]
    months = sorted(set(spend_month) | set(results_month))
    if months:
        months = _months_between(months[0], months[-1])
    return {
        "brand": brand,
        "briefs": sorted(brief_rows.values(), key=lambda r: -r["brief"].created_at.timestamp()),
        "months": [
            {"month": m, "spend": spend_month.get(m, 0), "results": results_month.get(m, 0)}
            for m in months
        ],
        "top_artists": top,
        "spend": sum(c.total for c in contracts),
        "results": sum(r["value"] for r in results),
    }


def brand_report_charts(report: dict) -> dict:
    if not report["months"]:
        return {"spend": None, "results": None}
    labels = [month_label(m["month"]) for m in report["months"]]
    currencies = {r["brief"].currency for r in report["briefs"]}
    # Spend in one currency is money; briefs in several currencies add up as plain numbers.
    one = currencies.pop() if len(currencies) == 1 else None
    spend = [m["spend"] if one else m["spend"] / 100 for m in report["months"]]
    return {
        "spend": line_chart(
            labels, [(_("Spend"), "chart-series-a", spend)],
            title=_("Spend per month (signed contracts)"),
            value_format=(lambda v: format_money(round(v), one)) if one else None,
            category=_("Month"),
        ),
        "results": line_chart(
            labels, [(_("Results"), "chart-series-b", [m["results"] for m in report["months"]])],
            title=_("Reported results per month"), category=_("Month"),
        ),
    }  # fmt: skip


# --- staff: marketplace health -------------------------------------------------------------------


def _median_hours(deltas: list) -> float | None:
    hours = [d.total_seconds() / 3600 for d in deltas if d is not None]
    return round(median(hours), 1) if hours else None


def marketplace_overview() -> dict:
    """Marketplace health for staff (a fixed number of queries).

    Fees come from payments (succeeded Payment.fee, by the month it succeeded) when any payment
    exists; otherwise they are computed from GMV × AUX_PLATFORM_FEE_BPS (`fees_source` says which).
    """
    briefs_published = Brief.objects.filter(published_at__isnull=False).count()
    offer_counts = {
        row["status"]: row["n"] for row in Offer.objects.values("status").annotate(n=Count("id"))
    }
    offers_sent = sum(offer_counts.values())
    offers_accepted = offer_counts.get(Offer.Status.ACCEPTED, 0)
    first_offers = (
        Brief.objects.filter(published_at__isnull=False)
        .annotate(first_offer=Min("offers__created_at"))
        .filter(first_offer__isnull=False)
        .values_list("published_at", "first_offer")
    )
    to_first_offer = [max(first - pub, timedelta(0)) for pub, first in first_offers]
    payouts = Payout.objects.filter(
        status=Payout.Status.SENT, sent_at__isnull=False, milestone__approved_at__isnull=False
    ).values_list("milestone__approved_at", "sent_at")
    to_payout = [sent - approved for approved, sent in payouts]

    contracts = list(
        Contract.objects.filter(signed_at__isnull=False)
        .exclude(status=Contract.Status.CANCELLED)
        .values(
            "total", "currency", "signed_at", "artist__monthly_listeners", "artist__followers",
            "artist__first_release_year",
        )
    )  # fmt: skip
    emerging = sum(
        artist_is_emerging(
            listeners=c["artist__monthly_listeners"],
            followers=c["artist__followers"],
            first_release_year=c["artist__first_release_year"],
        )
        for c in contracts
    )
    gmv: dict[tuple[str, str], int] = defaultdict(int)
    for c in contracts:
        gmv[(_month(c["signed_at"]), c["currency"])] += c["total"]
    payments = list(
        Payment.objects.filter(status=Payment.Status.SUCCEEDED).values(
            "fee", "currency", "succeeded_at", "created_at"
        )
    )
    fees: dict[tuple[str, str], int] = defaultdict(int)
    if payments:
        fees_source = "payments"
        for p in payments:
            fees[(_month(p["succeeded_at"] or p["created_at"]), p["currency"])] += p["fee"]
    else:
        fees_source = "computed"
        bps = settings.AUX_PLATFORM_FEE_BPS
        for key, total in gmv.items():
            fees[key] = _div_round(total * bps, 10_000) or 0
    keys = sorted(set(gmv) | set(fees))
    return {
        "briefs_published": briefs_published,
        "offers_sent": offers_sent,
        "offers_accepted": offers_accepted,
        "acceptance_rate": _share(offers_accepted, offers_sent),
        "median_hours_to_first_offer": _median_hours(to_first_offer),
        "median_hours_approval_to_payout": _median_hours(to_payout),
        "by_month": [
            {
                "month": m,
                "currency": cur,
                "gmv": gmv.get((m, cur), 0),
                "fees": fees.get((m, cur), 0),
            }
            for m, cur in keys
        ],
        "fees_source": fees_source,
        "contracts_signed": len(contracts),
        "contracts_emerging": emerging,
        "emerging_share": _share(emerging, len(contracts)),
    }


# --- artist earnings -----------------------------------------------------------------------------
