"""The audience size a brand asks for on the brief (headliner / established / rising /
emerging): it replaces the objective's fixed reach band."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.briefs import matching_service
from campaigns.briefs.models import Brief
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import BriefFactory

from .test_matching import ONLY, artist, brief, run


def reach(listeners: int, threshold: int = 50_000, **kw) -> float:
    rec = artist(1, monthly_listeners=listeners, followers={})
    r = run([rec], brief(**kw), weights={**ONLY, "reach": 1.0}, emerging_threshold=threshold)
    return r.matches[0].parts["reach"]["value"]


def test_headliner_and_established_give_full_marks_from_their_floor_up():
    assert reach(3_000_000, audience_size="headliner") == 1.0
    assert reach(1_000_000, audience_size="headliner") == pytest.approx(1.0, abs=1e-5)
    # 100k is one decade under the headliner floor: the part falls by 1/1.5 per decade
    assert reach(100_000, audience_size="headliner") == pytest.approx(1 - 1 / 1.5, abs=1e-4)
    assert reach(20_000_000, audience_size="established") == 1.0
    assert reach(10_000, audience_size="established") == pytest.approx(1 / 3, abs=1e-3)
    assert reach(1_000, audience_size="established") == 0.0  # two decades under


def test_rising_and_emerging_are_ranges_with_a_slope_on_both_sides():
    assert reach(30_000, audience_size="rising") == 1.0
    assert reach(1_000_000, audience_size="rising") == pytest.approx(1 - 1 / 1.5, abs=1e-4)
    assert reach(1_000, audience_size="rising") == pytest.approx(1 - 1 / 1.5, abs=1e-3)
    # emerging ends at the emerging threshold rank() is given
    assert reach(50, audience_size="emerging", threshold=10_000) == 1.0
    assert reach(100_000, audience_size="emerging", threshold=10_000) == pytest.approx(
        1 - 1 / 1.5, abs=1e-4
    )


def test_no_size_keeps_the_objective_band_and_an_unknown_size_is_refused():
    # engagement: peak at 10^4.5 (31,623), two decades wide
    assert reach(31_623) == pytest.approx(1.0, abs=1e-4)
    assert reach(3_162_278) == pytest.approx(0.0, abs=1e-4)
    with pytest.raises(ValueError, match="audience size"):
        reach(1_000, audience_size="superstar")


@pytest.mark.django_db
def test_brand_sets_the_size_through_the_api_and_the_ranking_uses_it(brand, brand_owner):
    brief_obj = BriefFactory(brand=brand)
    api = APIClient()
    api.force_authenticate(brand_owner)
    url = f"/api/v1/briefs/{brief_obj.pk}/"
    assert api.patch(url, {"audience_size": "superstar"}, format="json").status_code == 400
    response = api.patch(url, {"audience_size": "headliner"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["audience_size"] == "headliner"
    brief_obj.refresh_from_db()
    assert brief_obj.audience_size == Brief.AudienceSize.HEADLINER


@pytest.mark.django_db
def test_brief_query_carries_the_size_and_the_editor_offers_it(client, world):
    brief_obj, _artists, _live = world
    brief_obj.audience_size = Brief.AudienceSize.RISING
    brief_obj.save()
    assert matching_service.brief_query(brief_obj).audience_size == "rising"
    draft = BriefFactory()
    client.force_login(MembershipFactory(brand=draft.brand, role="owner").user)
    html = client.get(reverse("campaigns:brief_edit", args=[draft.pk, "audience"])).content
    assert b'name="audience_size"' in html and b"Headliners (1 million listeners or more)" in html
