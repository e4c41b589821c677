"""Relaxation hints: which hard requirement to relax and how many artists it would add, counted
over the snapshot (engine), stored at each recomputation and shown on the ranking page."""

import dataclasses
import datetime as dt
import random

import pytest
from django.urls import reverse

from artists.models import Unavailability
from campaigns.briefs import matching_service, snapshot_store
from campaigns.matching import ArtistSnapshot, rank
from campaigns.matching import relax as relax_module
from campaigns.matching.relax import Relaxation, relaxations
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, RateFactory
from tests.brands.factories import MembershipFactory

from .test_matching import artist, brief

D = dt.date


def by_kind(found):
    return {(r.kind, r.type_id, r.by_type_id): r for r in found}


def test_budget_hint_names_the_budget_that_brings_in_the_next_artists(monkeypatch):
    monkeypatch.setattr(relax_module, "BUDGET_STEP", 2)
    snap = ArtistSnapshot.from_records(
        [artist(i, rates={10: (fee, "EUR")}) for i, fee in enumerate([2000, 6000, 6950, 60000])]
    )
    found = relaxations(snap, brief(budget_max=5000), limit=10)
    # the 2nd cheapest over budget is 69.50, rounded up to two figures: 70.00 brings in 2
    assert Relaxation("budget", 2, budget_max=7000) in found


def test_dates_hint_counts_artists_busy_on_the_dates_who_meet_everything_else():
    busy = [(D(2027, 3, 5), D(2027, 3, 6))]
    snap = ArtistSnapshot.from_records([
        artist(1), artist(2, unavailable=busy), artist(3, unavailable=busy, rates={}),
        artist(4, unavailable=busy, refused_categories=[7]),
    ])  # fmt: skip
    assert relaxations(snap, brief()) == [Relaxation("dates", 1)]


def test_dropping_or_replacing_a_kind_of_work_counts_the_net_change():
    snap = ArtistSnapshot.from_records([
        artist(1, rates={10: (1000, "EUR"), 11: (1000, "EUR")}),
        artist(2, rates={10: (1000, "EUR")}),
        artist(3, rates={10: (1000, "EUR")}),
        artist(4, rates={11: (1000, "EUR"), 12: (1000, "EUR")}),
        artist(5, rates={12: (1000, "EUR")}),
    ])  # fmt: skip
    found = by_kind(relaxations(snap, brief(deliverables={10: 1, 11: 1}), limit=10))
    assert found[("drop", 11, None)].added == 2  # 1, 2, 3 instead of 1
    assert found[("drop", 10, None)].added == 1  # 1, 4
    assert ("replace", 10, 12) not in found  # 4 instead of 1: net 0, no hint
    # a single kind of work is never dropped; replacing it loses those who offer only it
    found = by_kind(relaxations(snap, brief(deliverables={10: 1}), limit=10))
    assert ("drop", 10, None) not in found
    assert ("replace", 10, 12) not in found  # 4 and 5 gained, 1, 2 and 3 lost: net -1
    found = by_kind(relaxations(snap, brief(deliverables={11: 1}), limit=10))
    assert found[("replace", 11, 10)].added == 1  # 1, 2, 3 instead of 1, 4


def test_hidden_and_refusing_artists_are_never_promised():
    snap = ArtistSnapshot.from_records([
        artist(1), artist(2, rates={10: (9000, "EUR")}),
        artist(3, rates={10: (9000, "EUR")}, refused_categories=[7]),
    ])  # fmt: skip
    assert relaxations(snap, brief()) == [Relaxation("budget", 1, budget_max=9000)]
    assert relaxations(snap, brief(), hidden=[2]) == []


def test_every_hint_is_what_rank_finds_once_the_brief_is_changed():
    rnd = random.Random(4)
    recs = []
    for i in range(300):
        types = rnd.sample([10, 11, 12, 13], rnd.randint(1, 3))
        recs.append(artist(
            i + 1,
            rates={t: (rnd.randint(500, 9000), rnd.choice(["EUR", "USD", "GBP"])) for t in types},
            unavailable=[(D(2027, 3, 8), D(2027, 3, 20))] if rnd.random() < 0.2 else [],
            refused_categories=[7] if rnd.random() < 0.1 else [],
        ))  # fmt: skip
    snap = ArtistSnapshot.from_records(recs)
    b = brief(deliverables={10: 1, 11: 2}, budget_max=12_000)
    now = rank(snap, b, emerging_threshold=1).n_candidates
    found = relaxations(snap, b, limit=20)
    assert {r.kind for r in found} == {"budget", "dates", "drop", "replace"}
    for r in found:
        if r.kind == "budget":
            changed = dataclasses.replace(b, budget_max=r.budget_max)
        elif r.kind == "dates":
            changed = dataclasses.replace(b, start_date=D(2027, 1, 1), end_date=D(2027, 1, 2))
        else:
            lines = dict(b.deliverables)
            qty = lines.pop(r.type_id)
            if r.kind == "replace":
                lines[r.by_type_id] = qty
            changed = dataclasses.replace(b, deliverables=lines)
        assert rank(snap, changed, emerging_threshold=1).n_candidates == now + r.added, r


@pytest.mark.django_db
def test_ranking_page_says_which_requirement_to_relax(client, world):
    brief_obj, _artists, live = world
    pricey = ArtistFactory(slug="pricey")
    RateFactory(artist=pricey, deliverable_type=live, min_fee=8_950_000, currency="EUR")
    brief_obj.currency = "EUR"
    brief_obj.save()
    snapshot_store.snapshot_build()
    matching_service.matches_recompute(brief=brief_obj)
    brief_obj.refresh_from_db()
    assert brief_obj.match_stats["relax"] == [
        {"kind": "budget", "added": 1, "budget_max": 9_000_000},
        {"kind": "dates", "added": 1},
    ]
    client.force_login(MembershipFactory(brand=brief_obj.brand, role="viewer").user)
    html = client.get(reverse("campaigns:brief_matches", args=[brief_obj.pk])).content.decode()
    assert "To see more artists:" in html
    assert "Widening the budget to €90,000 would add 1 artist." in html
    assert "1 more artist meets every other requirement but is busy on your dates." in html


@pytest.mark.django_db
def test_replacing_a_kind_of_work_is_named_on_the_page(client, world):
    brief_obj, _artists, _live = world
    dj = DeliverableTypeFactory(name="DJ set", slug="dj-set")
    for i in range(4):
        RateFactory(artist=ArtistFactory(slug=f"dj{i}"), deliverable_type=dj, min_fee=100_000)
    snapshot_store.snapshot_build()
    matching_service.matches_recompute(brief=brief_obj)
    client.force_login(MembershipFactory(brand=brief_obj.brand, role="viewer").user)
    html = client.get(reverse("campaigns:brief_matches", args=[brief_obj.pk])).content.decode()
    # 4 DJs gained, the 3 live-only artists lost
    assert "Asking for “DJ set” instead of “Live show” would add 1 artist." in html


@pytest.mark.django_db
def test_no_hint_when_enough_artists_pass(world, monkeypatch):
    brief_obj, _artists, _live = world
    monkeypatch.setattr(matching_service, "FEW_CANDIDATES", 3)
    Unavailability.objects.all().delete()
    snapshot_store.snapshot_build()
    matching_service.matches_recompute(brief=brief_obj)
    brief_obj.refresh_from_db()
    assert "relax" not in brief_obj.match_stats
