"""Relaxation hints on the ranking page: when a brief's hard filters leave few artists, which
requirement to relax and how many artists it would add (the engine's `relax`, over the same
snapshot the ranking used, stored with the match statistics at each recomputation)."""

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from artists.models import DeliverableType
from aux.money import format_money
from campaigns.matching import ArtistSnapshot, BriefQuery
from campaigns.matching.relax import relaxations

from .models import Brief

# Fewer candidates than this (a page of matches): the page says what to relax.
FEW_CANDIDATES = 25


def relaxation_hints(
    *, snapshot: ArtistSnapshot, query: BriefQuery, hidden: list[int]
) -> list[dict[str, Any]]:
    """The relaxations that add the most artists, as JSON-ready dicts (see `Relaxation`)."""
    found = relaxations(snapshot, query, fx=settings.AUX_FX_RATES, hidden=hidden)
    return [{k: v for k, v in asdict(r).items() if v is not None} for r in found]


def hint_sentences(*, brief: Brief, hints: list[dict[str, Any]]) -> list[str]:
    """The stored hints in words, in the active language."""
    ids = {h[k] for h in hints for k in ("type_id", "by_type_id") if k in h}
    names = dict(DeliverableType.objects.filter(pk__in=ids).values_list("pk", "name"))
    out = []
    for h in hints:
        n = h["added"]
        if h["kind"] == "budget":
            budget = format_money(h["budget_max"], brief.currency)
            text = ngettext(
                "Widening the budget to %(budget)s would add %(n)s artist.",
                "Widening the budget to %(budget)s would add %(n)s artists.",
                n,
            ) % {"budget": budget, "n": n}
        elif h["kind"] == "dates":
            text = ngettext(
                "%(n)s more artist meets every other requirement but is busy on your dates.",
                "%(n)s more artists meet every other requirement but are busy on your dates.",
                n,
            ) % {"n": n}
        elif h["kind"] == "drop":
            text = ngettext(
                "Not asking for “%(kind)s” would add %(n)s artist.",
                "Not asking for “%(kind)s” would add %(n)s artists.",
                n,
            ) % {"kind": names.get(h["type_id"], _("this kind of work")), "n": n}
        else:
            text = ngettext(
                "Asking for “%(other)s” instead of “%(kind)s” would add %(n)s artist.",
                "Asking for “%(other)s” instead of “%(kind)s” would add %(n)s artists.",
                n,
            ) % {
                "other": names.get(h["by_type_id"], _("another kind of work")),
                "kind": names.get(h["type_id"], _("this kind of work")),
                "n": n,
            }
        out.append(text)
    return out
