"""Staff curate a brief's matches from the admin; the services record who and when."""

import pytest
from django.urls import reverse

from campaigns.briefs.models import Brief, MatchCuration
from tests.artists.factories import ArtistFactory
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

pytestmark = pytest.mark.django_db


def _inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip


def test_staff_pins_an_artist_from_the_brief_admin(client, staff_user):
    brief = BriefFactory()
    line = BriefDeliverableFactory(brief=brief)
    artist = ArtistFactory()
    client.force_login(staff_user)
    url = reverse("admin:campaigns_brief_change", args=[brief.pk])
    assert client.get(url).status_code == 200

    data = {
        "brand": brief.brand.pk, "title": brief.title, "description": brief.description,
        "objective": brief.objective, "territories": ["DE"], "age_min": 18, "age_max": 65,
        "budget_min": brief.budget_min, "budget_max": brief.budget_max, "currency": "EUR",
        "start_date": brief.start_date, "end_date": brief.end_date, "emerging_share": "0.30",
        "visibility": "public", "fairness": "fair",
        **_inline_management("deliverables", 1, 1),
        "deliverables-0-id": line.pk, "deliverables-0-brief": brief.pk,
        "deliverables-0-deliverable_type": line.deliverable_type.pk,
        "deliverables-0-quantity": line.quantity, "deliverables-0-notes": "",
        **_inline_management("curations", 1),
        "curations-0-artist": artist.pk, "curations-0-pin_order": "1",
        "curations-0-boost": "0.5", "curations-0-note": "Perfect for the launch",
        **_inline_management("matches", 0),
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].errors if response.context else ""
    )
    curation = MatchCuration.objects.get(brief=brief, artist=artist)
    assert (curation.pin_order, curation.boost, curation.updated_by) == (1, 0.5, staff_user)


def test_admin_publish_action_reports_illegal_transitions(client, staff_user):
    ready = BriefFactory(title="Ready")
    BriefDeliverableFactory(brief=ready)
    closed = BriefFactory(title="Done", status=Brief.Status.CLOSED)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:campaigns_brief_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, closed.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 brief(s) published." in html
    assert "closed brief cannot become published" in html
    ready.refresh_from_db()
    assert ready.status == Brief.Status.PUBLISHED
