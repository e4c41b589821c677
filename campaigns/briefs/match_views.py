"""The brand's ranked match page: score bars, the "why" of every score, shortlist, compare."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from artists.models import Artist
from aux.charts import horizontal_bar_chart
from aux.errors import ApplicationError
from aux.users.decorators import role_required
from aux.users.models import User
from campaigns.matching import PARTS

from . import outcomes, services
from .models import Brief, Match
from .permissions import brand_role, can_see_matches
from .relaxation import hint_sentences
from .selectors import brief_matches, briefs_visible_to, top_briefs_for_artist

# The engine's hard filters (campaigns.matching.engine.FILTERS), in words for the brand.
FILTER_LABELS = {
    "deliverables": gettext_lazy("Does not offer the deliverables asked for"),
    "availability": gettext_lazy("Not available on the brief's dates"),
    "category": gettext_lazy("Refuses brands of this category"),
    "budget": gettext_lazy("Rates above the budget"),
    "hidden": gettext_lazy("Hidden by AUX staff"),
}
COMPARE_MAX = 3  # artists side by side: a fourth column no longer fits a phone

PART_LABELS = {
    "genre": gettext_lazy("Genre & mood"), "territory": gettext_lazy("Audience in territories"),
    "language": gettext_lazy("Language"), "age": gettext_lazy("Age fit"),
    "budget": gettext_lazy("Budget fit"),
    "reach": gettext_lazy("Reach for the objective"), "engagement": gettext_lazy("Engagement"),
    "rating": gettext_lazy("Rating"), "text": gettext_lazy("Text relevance"),
    "verified": gettext_lazy("Verified"),
}  # fmt: skip


def why(match: Match) -> list[dict]:
    """The parts of a score: label, value 0–1 (None: no data), weight, points (of the 100) and
    known; known parts first, biggest contribution first, then the parts with no data."""
    rows = []
    for name, part in match.parts.items():
        if name not in PARTS:
            continue
        value = part.get("value")
        known = bool(part.get("known", value is not None)) and value is not None
        rows.append(
            {
                "name": name,
                "label": PART_LABELS.get(name, name),
                "value": value if known else None,
                "weight": part.get("weight", 0.0),
                "points": (part.get("contribution") or 0.0) if known else 0.0,
                "known": known,
            }
        )
    return sorted(rows, key=lambda r: (not r["known"], -r["points"], r["name"]))


def _visible_brief(request: HttpRequest, pk: int) -> Brief:
    brief = briefs_visible_to(user=request.user).filter(pk=pk).first()
    if brief is None or not can_see_matches(request.user, brief):
        raise Http404(_("No such brief."))
    return brief


@login_required
def brief_matches_page(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _visible_brief(request, pk)
    starred = set(brief.shortlist.values_list("artist_id", flat=True))
    matches = brief_matches(brief=brief)
    shortlisted = bool(request.GET.get("shortlisted"))  # the shortlist as a list
    if shortlisted:
        matches = matches.filter(artist_id__in=starred)
    page = Paginator(matches, 25).get_page(request.GET.get("page"))
    role = brand_role(request.user, brief.brand)
    if role is not None:  # what the brand was shown, for learning from outcomes (not staff's)
        outcomes.exposures_record(matches=page.object_list)
    rows = [
        {
            "match": m,
            "why": why(m),
            "chart": horizontal_bar_chart(
                [(r["label"], r["value"]) for r in why(m) if r["known"]],
                title=_("Why %(name)s matches") % {"name": m.artist.stage_name},
                width=480,
                bar_height=14,
                gap=4,
                label_width=170,
                table=False,  # the "Why this score" table below has the figures
            ),
            "starred": m.artist_id in starred,
        }
        for m in page.object_list
    ]
    stats = brief.match_stats or {}
    return render(
        request,
        "campaigns/brief_matches.html",
        {
            "brief": brief,
            "page": page,
            "rows": rows,
            "removed": [
                (FILTER_LABELS.get(name, name), n)
                for name, n in (stats.get("removed") or {}).items()
            ],
            "stats": stats,
            "shortlisted": shortlisted,
            "shortlist_count": len(starred),
            "fairness": stats.get("fairness") or {},
            "hints": hint_sentences(brief=brief, hints=stats.get("relax") or []),
            "asked_percent": round(float(brief.emerging_share) * 100),
            "offer_url": reverse("campaigns:offer_new", args=[brief.pk])
            if role in ("owner", "manager")
            else None,
        },
    )


@login_required
def match_open(request: HttpRequest, pk: int, artist_id: int) -> HttpResponse:
    """The match list's link to an artist's profile: records that the brand opened it."""
    brief = _visible_brief(request, pk)
    artist = get_object_or_404(Artist, pk=artist_id)
    if brand_role(request.user, brief.brand) is not None:
        outcomes.outcome_record(brief_id=brief.pk, artist_id=artist.pk, kind=outcomes.Kind.OPENED)
    return redirect("artists:detail", slug=artist.slug)


@login_required
@require_POST
def shortlist_toggle(request: HttpRequest, pk: int, artist_id: int) -> HttpResponse:
    brief = _visible_brief(request, pk)
    try:
        starred = services.shortlist_toggle(actor=request.user, brief=brief, artist_id=artist_id)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=exc.status)
    context = {"brief": brief, "artist_id": artist_id, "starred": starred}
    if request.htmx:
        return render(request, "campaigns/partials/star.html", context)
    return redirect("campaigns:brief_matches", pk=brief.pk)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two or three matched artists side by side, part by part (`?artist=<slug>&artist=...`)."""
    brief = _visible_brief(request, pk)
    slugs = list(dict.fromkeys(s for s in request.GET.getlist("artist") if s))
    matches = {m.artist.slug: m for m in brief_matches(brief=brief).filter(artist__slug__in=slugs)}
    error = None
    if not 2 <= len(slugs) <= COMPARE_MAX or len(matches) != len(slugs):
        error = _("Pick two or three artists from the ranked list to compare them.")
    picked = [matches[s] for s in slugs if s in matches]
    table = []
    if not error:
        parts = [{r["name"]: r for r in why(m)} for m in picked]
        table = [(PART_LABELS[name], [p.get(name) for p in parts]) for name in PARTS]
    return render(
        request,
        "campaigns/compare.html",
        {"brief": brief, "picked": picked, "table": table, "error": error},
        status=400 if error else 200,
    )


@role_required(User.Role.ARTIST)
def artist_top_briefs(request: HttpRequest) -> HttpResponse:
    """For the artist dashboard (loaded by htmx): briefs they rank well for, and why."""
    artist = getattr(request.user, "artist", None)
    matches = (
        top_briefs_for_artist(artist_id=artist.pk, max_rank=settings.AUX_ARTIST_TOP_RANK)
        if artist
        else []
    )
    rows = [{"match": m, "why": [r for r in why(m) if r["known"]][:3]} for m in matches]
    template = "campaigns/partials/top_briefs.html"
    return render(
        request, template if request.htmx else "campaigns/top_briefs.html", {"rows": rows}
    )
