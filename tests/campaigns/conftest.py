"""Fixtures shared by the campaigns tests: the ranking world, and the booking fixtures (an artist
with rates, a published brief, an offer, an active contract) that the booking modules use.
A module that needs another shape of one of them defines its own under the same name."""

from datetime import timedelta
from decimal import Decimal

import pytest

from artists.models import Unavailability
from campaigns.briefs import matching_service, snapshot_store
from campaigns.briefs.models import Brief
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory, GenreFactory, RateFactory
from tests.campaigns.factories import (
    BriefDeliverableFactory,
    BriefFactory,
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)
from tests.campaigns.reporting_seed import seed_campaign


@pytest.fixture
def world(db):
    """Three bookable artists (one emerging), one without the deliverable, one unavailable."""
    live = DeliverableTypeFactory(name="Live show", slug="live-show")
    house = GenreFactory(name="House", slug="house")
    brief = BriefFactory(status=Brief.Status.PUBLISHED, budget_max=5_000_000)
    brief.genres.set([house])
    BriefDeliverableFactory(brief=brief, deliverable_type=live, quantity=1)
    artists = {}
    for name, listeners in [("star", 3_000_000), ("mid", 400_000), ("fresh", 8_000)]:
        a = ArtistFactory(stage_name=name, slug=name, monthly_listeners=listeners)
        a.genres.set([house])
        RateFactory(artist=a, deliverable_type=live, min_fee=200_000)
        artists[name] = a
    artists["no-live"] = ArtistFactory(slug="no-live")
    busy = ArtistFactory(slug="busy")
    RateFactory(artist=busy, deliverable_type=live, min_fee=100_000)
    Unavailability.objects.create(artist=busy, start=brief.start_date - timedelta(days=3),
                                  end=brief.start_date + timedelta(days=3))  # fmt: skip
    artists["busy"] = busy
    return brief, artists, live


@pytest.fixture
def lifted(world):
    """The world's brief asking for half emerging artists, with the emerging artist ranked last
    on its score (too few listeners for the objective): the fairness rule lifts it to #2."""
    brief, artists, live = world
    artists["fresh"].monthly_listeners = 100
    artists["fresh"].save()
    brief.emerging_share = Decimal("0.50")
    brief.save()
    snapshot_store.snapshot_build()
    matching_service.matches_recompute(brief=brief)
    return brief, artists, live


# --- bookings ------------------------------------------------------------------------------------


@pytest.fixture
def artist():
    """An artist with rates for live shows and social posts (booking_artist)."""
    return booking_artist()


@pytest.fixture
def brief(brand):
    """A published brief of `brand` asking for 2 live shows and 3 social posts."""
    return booking_brief(brand, social=True)


@pytest.fixture
def open_call_brief(brand):
    """The same brief as an open call: artists may apply to it."""
    return booking_brief(brand, social=True, open_call=True)


@pytest.fixture
def offer(brand_manager, brief, artist):
    """The brand manager's offer to `artist` for `brief`."""
    return make_offer(actor=brand_manager, brief=brief, artist=artist)


@pytest.fixture
def contract(brand, brand_manager, artist):
    """An active (signed, funded) contract with one milestone per line of a social brief."""
    return make_active_contract(
        brand_user=brand_manager, brief=booking_brief(brand, social=True), artist=artist
    )


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to the test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


# --- reporting -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(brand, brand_owner):
    """A campaign whose report totals are computed by hand (reporting_seed.EXPECTED)."""
    return seed_campaign(brand, brand_owner)
