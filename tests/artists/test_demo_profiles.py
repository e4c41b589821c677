"""seed_demo fills the whole artist profile with plausible, rule-abiding data."""

import itertools
import os
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Sum

from artists.constants import LANGUAGE_CODES, PLATFORM_CODES
from artists.models import AgeShare, Artist, AudienceShare, MediaLink
from artists.selectors import artist_profile, profile_completeness
from aux.demo import DEMO_LOGINS
from aux.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_artist_a_full_plausible_profile():
    started = time.monotonic()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert time.monotonic() - started < 30

    artists = Artist.objects.count()
    assert AudienceShare.objects.values("artist").distinct().count() == artists
    assert AgeShare.objects.values("artist").distinct().count() == artists
    assert MediaLink.objects.values("artist").distinct().count() == artists
    # Shares in [0, 1] summing to at most 1, for countries and for ages.
    for model in (AudienceShare, AgeShare):
        totals = model.objects.values("artist").annotate(total=Sum("share"), top=Max("share"))
        assert all(Decimal(0) < row["total"] <= 1 for row in totals)
    # The home country holds the largest share.
    for artist in Artist.objects.prefetch_related("audience_shares")[:50]:
        top = max(artist.audience_shares.all(), key=lambda s: s.share)
        assert top.country == artist.country
    sample = list(Artist.objects.all()[:50])
    assert all(a.languages and set(a.languages) <= LANGUAGE_CODES for a in sample)
    assert all(set(a.followers) <= PLATFORM_CODES and a.followers for a in sample)
    assert all(0 < a.engagement_rate < 1 for a in sample)
    assert all("<strong>" in render_markdown(a.bio) for a in sample)
    # No demo artist has overlapping unavailability (the profile rules forbid it).
    for artist in Artist.objects.annotate(n=Count("unavailabilities")).filter(n__gt=1)[:50]:
        periods = list(artist.unavailabilities.order_by("start"))
        assert all(b.start > a.end for a, b in itertools.pairwise(periods))

    demo = artist_profile().get(user__email=DEMO_LOGINS["artist"])
    percent, missing = profile_completeness(demo)
    assert missing == ["a photo"] and percent > 90


@pytest.mark.django_db(transaction=True)  # flush (TRUNCATE) needs its own transactions
def test_seed_demo_profiles_are_deterministic():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    first = list(AudienceShare.objects.order_by("artist__slug", "country").values_list(
        "artist__slug", "country", "share"
    )[:200])  # fmt: skip
    call_command("flush", interactive=False)  # bookings protect artists: start from nothing
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    second = list(AudienceShare.objects.order_by("artist__slug", "country").values_list(
        "artist__slug", "country", "share"
    )[:200])  # fmt: skip
    assert first == second
