"""Staff admin: verify/unverify actions go through the services and leave an audit trail."""

import pytest
from django.urls import reverse

from artists.models import Artist
from aux.audit.models import AuditEvent
from brands.models import Brand
from tests.artists.factories import ArtistFactory, GenreFactory
from tests.brands.factories import BrandFactory

pytestmark = pytest.mark.django_db


def _action(client, model: str, action: str, pks):
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def test_verify_action_marks_artists_and_records_who_and_when(staff_client, staff_user):
    a, b = ArtistFactory(), ArtistFactory()
    response = _action(staff_client, "artists_artist", "verify", [a.pk, b.pk])
    assert response.status_code == 200
    assert "2 marked verified." in response.content.decode()
    for artist in Artist.objects.filter(pk__in=[a.pk, b.pk]):
        assert artist.verified and artist.verified_by == staff_user and artist.verified_at
    events = AuditEvent.objects.filter(verb="artist.verified", actor=staff_user)
    assert sorted(events.values_list("target_id", flat=True)) == sorted([str(a.pk), str(b.pk)])


def test_unverify_action_clears_the_mark_and_is_audited(staff_client, staff_user):
    artist = ArtistFactory()
    _action(staff_client, "artists_artist", "verify", [artist.pk])
    _action(staff_client, "artists_artist", "unverify", [artist.pk])
    artist.refresh_from_db()
    assert not artist.verified and artist.verified_by is None and artist.verified_at is None
    verbs = list(
        AuditEvent.objects.filter(target_id=str(artist.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["artist.verified", "artist.unverified"]


def test_verifying_an_already_verified_artist_records_nothing_new(staff_client):
    artist = ArtistFactory()
    _action(staff_client, "artists_artist", "verify", [artist.pk])
    _action(staff_client, "artists_artist", "verify", [artist.pk])
    assert AuditEvent.objects.filter(verb="artist.verified").count() == 1


def test_the_artist_change_page_shows_who_verified_when(staff_client, staff_user):
    artist = ArtistFactory()
    _action(staff_client, "artists_artist", "verify", [artist.pk])
    page = staff_client.get(reverse("admin:artists_artist_change", args=[artist.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "artist.verified" in html and staff_user.email in html
    assert "target_id=" + str(artist.pk) in html  # link to the filtered audit list
    audit_list = staff_client.get(
        reverse("admin:audit_auditevent_changelist")
        + f"?target_id={artist.pk}&target_type__id__exact="
        + str(AuditEvent.objects.get().target_type_id)
    )
    assert audit_list.status_code == 200
    assert "artist.verified" in audit_list.content.decode()


def test_brand_verify_and_unverify_actions_write_the_audit_trail(staff_client, staff_user):
    brand = BrandFactory()
    _action(staff_client, "brands_brand", "verify", [brand.pk])
    brand.refresh_from_db()
    assert brand.verified and brand.verified_by == staff_user
    _action(staff_client, "brands_brand", "unverify", [brand.pk])
    brand.refresh_from_db()
    assert not brand.verified
    verbs = list(
        AuditEvent.objects.filter(target_id=str(brand.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["brand.verified", "brand.unverified"]
    page = staff_client.get(reverse("admin:brands_brand_change", args=[brand.pk])).content.decode()
    assert "brand.unverified" in page


def test_emerging_filter_uses_the_derived_rule(staff_client, settings):
    settings.AUX_EMERGING_MAX_LISTENERS = 1000
    ArtistFactory(stage_name="Small Room", monthly_listeners=999)
    ArtistFactory(stage_name="Big Arena", monthly_listeners=1000)
    url = reverse("admin:artists_artist_changelist")
    emerging = staff_client.get(url + "?emerging=yes").content.decode()
    established = staff_client.get(url + "?emerging=no").content.decode()
    assert "Small Room" in emerging and "Big Arena" not in emerging
    assert "Big Arena" in established and "Small Room" not in established


def test_artist_admin_filters_and_search_work(staff_client):
    house = GenreFactory(name="House", slug="house")
    a = ArtistFactory(stage_name="Nova Sky", country="FR", verified=True)
    a.genres.add(house)
    ArtistFactory(stage_name="Other One", country="DE")
    url = reverse("admin:artists_artist_changelist")
    for query in ("?q=nova", "?country=FR", f"?genres__id__exact={house.pk}", "?verified__exact=1"):
        page = staff_client.get(url + query).content.decode()
        assert "Nova Sky" in page and "Other One" not in page, query


def test_artist_change_page_has_the_profile_inlines(staff_client):
    artist = ArtistFactory()
    html = staff_client.get(
        reverse("admin:artists_artist_change", args=[artist.pk])
    ).content.decode()
    for prefix in ("rates", "audience_shares", "age_shares", "media_links", "unavailabilities"):
        assert f'name="{prefix}-TOTAL_FORMS"' in html, prefix


def test_brand_change_page_shows_members_and_invitations(staff_client, brand, brand_owner):
    from tests.brands.factories import InvitationFactory

    InvitationFactory(brand=brand, email="pending@example.com")
    html = staff_client.get(reverse("admin:brands_brand_change", args=[brand.pk])).content.decode()
    assert brand_owner.email in html or str(brand_owner.pk) in html
    assert "pending@example.com" in html
    assert Brand.objects.count() == 1
