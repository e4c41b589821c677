"""The brief's range rules (campaigns.briefs.ranges) say the same thing, in the user's language,
in the model, the web forms and the API."""

import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.briefs.models import Brief
from tests.campaigns.factories import BriefFactory

pytestmark = pytest.mark.django_db

OLDEST = "The oldest age must be at least the youngest."
OLDEST_FR = "L'âge maximum doit être au moins égal à l'âge minimum."
AGES = "Ages must be between 13 and 100."


def _audience(**values) -> dict:
    return {"territories": ["FR"], "emerging_percent": "30", "fairness": "fair", **values}


def test_the_model_refuses_ages_outside_the_bounds_and_in_the_wrong_order(brand):
    brief = BriefFactory.build(brand=brand, age_min=8, age_max=120)
    with pytest.raises(ValidationError) as info:
        brief.clean()
    assert info.value.message_dict == {"age_min": [AGES], "age_max": [AGES]}
    brief.age_min, brief.age_max = 40, 20
    with pytest.raises(ValidationError) as info:
        brief.clean()
    assert info.value.message_dict == {"age_max": [OLDEST]}


def test_the_audience_step_refuses_the_ages_the_api_refuses(client, brand, brand_owner):
    brief = BriefFactory(brand=brand)
    client.force_login(brand_owner)
    url = reverse("campaigns:brief_edit", args=[brief.pk, "audience"])
    r = client.post(url, _audience(age_min="10", age_max="30"))
    assert r.status_code == 200
    assert AGES in r.content.decode()
    brief.refresh_from_db()
    assert brief.age_min == 18


def test_web_form_and_api_give_the_same_french_message(client, api, brand, brand_owner):
    brief = BriefFactory(brand=brand, status=Brief.Status.DRAFT)
    client.force_login(brand_owner)
    url = reverse("campaigns:brief_edit", args=[brief.pk, "audience"])
    page = client.post(url, _audience(age_min="40", age_max="20"), HTTP_ACCEPT_LANGUAGE="fr")
    assert OLDEST_FR in html.unescape(page.content.decode())

    api.force_authenticate(brand_owner)
    r = api.patch(
        f"/api/v1/briefs/{brief.pk}/", {"age_min": 40, "age_max": 20}, format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    assert r.status_code == 400
    assert r.json()["errors"] == {"age_max": [OLDEST_FR]}


def test_api_checks_a_change_against_the_stored_brief(api, brand, brand_owner):
    brief = BriefFactory(
        brand=brand, start_date=date(2027, 6, 1), end_date=date(2027, 6, 30), budget_min=50_000,
        budget_max=90_000,
    )  # fmt: skip
    api.force_authenticate(brand_owner)
    r = api.patch(f"/api/v1/briefs/{brief.pk}/", {"end_date": "2027-05-01"}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"] == {"end_date": ["The campaign must end on or after its start date."]}
    r = api.patch(f"/api/v1/briefs/{brief.pk}/", {"budget_min": 100_000}, format="json")
    assert r.json()["errors"] == {
        "budget_max": ["The maximum budget must be at least the minimum."]
    }
