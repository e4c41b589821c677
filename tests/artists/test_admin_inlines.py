"""Staff editing an artist's lists in the admin (rates, audience, media links, availability) go
through the profile services: the same rules as the artist's own edits (shares summing to at most
1, no overlapping periods ...), one audit record per changed list."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from artists.models import AudienceShare, Unavailability
from aux.audit.models import AuditEvent
from tests.artists.factories import ArtistFactory, DeliverableTypeFactory

pytestmark = pytest.mark.django_db


def _change_form(client, artist) -> tuple[str, dict]:
    """The change page's URL and the data its form would post back unchanged."""
    url = reverse("admin:artists_artist_change", args=[artist.pk])
    response = client.get(url)
    assert response.status_code == 200
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or name == "photo":
                continue
            data[form.add_prefix(name)] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
            if form.fields[name].show_hidden_initial:  # as the page's hidden input does
                data[form.add_initial_prefix(name)] = data[form.add_prefix(name)]
    return url, data


def _add_rows(data: dict, prefix: str, rows: list[dict]) -> None:
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=start):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))


def test_admin_refuses_audience_shares_summing_above_one(staff_client):
    artist = ArtistFactory()
    AudienceShare.objects.create(artist=artist, country="DE", share=Decimal("0.6"))
    url, data = _change_form(staff_client, artist)
    _add_rows(data, "audience_shares", [{"country": "FR", "share": "0.6"}])

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "together they must be at most 1" in response.content.decode()
    assert list(artist.audience_shares.values_list("country", flat=True)) == ["DE"]
    assert not AuditEvent.objects.filter(verb="artist.profile.audience").exists()


def test_admin_refuses_overlapping_unavailability(staff_client):
    artist = ArtistFactory()
    url, data = _change_form(staff_client, artist)
    _add_rows(
        data,
        "unavailabilities",
        [
            {"start": "2030-01-01", "end": "2030-01-10"},
            {"start": "2030-01-05", "end": "2030-01-20"},
        ],
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert not Unavailability.objects.filter(artist=artist).exists()


def test_admin_list_changes_are_saved_through_the_services_and_audited(staff_client, staff_user):
    artist = ArtistFactory()
    AudienceShare.objects.create(artist=artist, country="DE", share=Decimal("0.6"))
    video = DeliverableTypeFactory()
    url, data = _change_form(staff_client, artist)
    _add_rows(data, "audience_shares", [{"country": "FR", "share": "0.3"}])
    _add_rows(data, "rates", [{"deliverable_type": video.pk, "min_fee": 50_000, "currency": "EUR"}])
    _add_rows(data, "unavailabilities", [{"start": "2030-01-01", "end": "2030-01-10"}])

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert dict(artist.audience_shares.values_list("country", "share")) == {
        "DE": Decimal("0.6"),
        "FR": Decimal("0.3"),
    }
    assert list(artist.rates.values_list("deliverable_type", "min_fee")) == [(video.pk, 50_000)]
    assert list(artist.unavailabilities.values_list("start", "end")) == [
        (date(2030, 1, 1), date(2030, 1, 10))
    ]
    verbs = set(
        AuditEvent.objects.filter(actor=staff_user, target_id=str(artist.pk)).values_list(
            "verb", flat=True
        )
    )
    assert {"artist.profile.audience", "artist.profile.rates", "artist.profile.availability"} <= (
        verbs
    )
    # Lists nobody touched are not rewritten (no audit record for them).
    assert "artist.profile.music" not in verbs


def test_admin_deleting_a_row_goes_through_the_service(staff_client, staff_user):
    artist = ArtistFactory()
    AudienceShare.objects.create(artist=artist, country="DE", share=Decimal("0.6"))
    url, data = _change_form(staff_client, artist)
    data["audience_shares-0-DELETE"] = "on"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert not artist.audience_shares.exists()
    assert AuditEvent.objects.filter(verb="artist.profile.audience", actor=staff_user).exists()


def test_admin_edit_of_the_artists_own_fields_is_audited(staff_client, staff_user):
    artist = ArtistFactory()
    url, data = _change_form(staff_client, artist)
    data["city"] = "Lyon"

    assert staff_client.post(url, data).status_code == 302

    event = AuditEvent.objects.get(verb="artist.admin_updated", target_id=str(artist.pk))
    assert event.actor == staff_user and event.data == {"fields": ["city"]}


def test_the_lists_are_added_once_the_artist_exists(staff_client):
    response = staff_client.get(reverse("admin:artists_artist_add"))
    assert response.status_code == 200
    assert all(
        not inline.has_add_permission for inline in response.context["inline_admin_formsets"]
    )
