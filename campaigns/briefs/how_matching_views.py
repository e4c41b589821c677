"""The public page that explains matching to brands and artists (/how-matching-works/).

Every number on it is read from the settings and the engine's constants the ranking uses, so the
page cannot drift from what the engine does."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.matching import PARTS
from campaigns.matching.engine import (
    ENGAGEMENT_FULL,
    GENRE_RELATED,
    MOOD_SHARE,
    OBJECTIVE_REACH,
    RELEVANCE_FLOOR,
    TERRITORY_FULL_LOG,
)

from .match_views import PART_LABELS
from .models import Brief


def how_matching_works(request: HttpRequest) -> HttpResponse:
    weights = {name: float(settings.AUX_MATCH_WEIGHTS.get(name, 0.0)) for name in PARTS}
    total = sum(weights.values()) or 1.0
    labels = dict(Brief.Objective.choices)
    reach = [
        {
            "objective": labels.get(objective, objective),
            # a round number of listeners: 10^5.5 is shown as 316,000
            "listeners": round(10**target, -3),
            "or_more": saturate,
        }
        for objective, (target, _width, saturate) in OBJECTIVE_REACH.items()
    ]
    return render(
        request,
        "campaigns/how_matching_works.html",
        {
            "parts": [
                {
                    "name": name,
                    "label": PART_LABELS[name],
                    "weight": w,
                    "percent": round(100 * w / total),
                }
                for name, w in weights.items()
                if w > 0
            ],
            "reach": reach,
            "emerging_max": settings.AUX_EMERGING_MAX_LISTENERS,
            "floor_percent": round(100 * RELEVANCE_FLOOR),
            "related_percent": round(100 * GENRE_RELATED),
            "mood_percent": round(100 * MOOD_SHARE),
            "career_years": settings.AUX_EMERGING_MAX_CAREER_YEARS,
            "territory_full": round(10**TERRITORY_FULL_LOG),
            "engagement_full_percent": round(100 * ENGAGEMENT_FULL),
            "alpha_percent": round(100 * settings.AUX_FAIRNESS_ALPHA),
            "default_share": round(100 * Brief._meta.get_field("emerging_share").default),
        },
    )
