"""The brief lifecycle: who may do what, and which transitions exist."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from campaigns.briefs import services
from campaigns.briefs.models import Brief
from tests.artists.factories import DeliverableTypeFactory
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

pytestmark = pytest.mark.django_db


def _ready_brief(brand) -> Brief:
    brief = BriefFactory(brand=brand)
    BriefDeliverableFactory(brief=brief)
    return brief


def test_manager_creates_a_draft_with_deliverables_and_default_emerging_share(brand, brand_manager):
    dtype = DeliverableTypeFactory()
    brief = services.brief_create(
        actor=brand_manager,
        brand=brand,
        title="Launch",
        deliverables=[{"deliverable_type": dtype, "quantity": 3, "notes": "Berlin"}],
    )
    assert brief.status == Brief.Status.DRAFT
    assert float(brief.emerging_share) == 0.3
    assert [(d.deliverable_type, d.quantity) for d in brief.deliverables.all()] == [(dtype, 3)]
    assert AuditEvent.objects.filter(verb="brief.create", target_id=str(brief.pk)).exists()


def test_viewer_and_outsiders_cannot_create_or_edit_briefs(brand, brand_viewer, artist_user):
    brief = BriefFactory(brand=brand)
    for user in (brand_viewer, artist_user):
        with pytest.raises(PermissionDeniedError):
            services.brief_create(actor=user, brand=brand, title="Nope")
        with pytest.raises(PermissionDeniedError):
            services.brief_update(actor=user, brief=brief, title="Nope")


def test_reversed_ranges_are_field_errors(brand, brand_owner):
    with pytest.raises(ValidationError) as info:
        services.brief_create(
            actor=brand_owner, brand=brand, title="Bad", budget_min=500, budget_max=100,
            start_date=date(2027, 5, 2), end_date=date(2027, 5, 1), age_min=40, age_max=20,
        )  # fmt: skip
    assert set(info.value.message_dict) >= {"budget_max", "end_date", "age_max"}
    assert not Brief.objects.exists()


def test_publish_needs_a_complete_brief(brand, brand_owner):
    brief = BriefFactory(brand=brand, description="", budget_min=None, budget_max=None)
    with pytest.raises(ConflictError) as info:
        services.brief_publish(actor=brand_owner, brief=brief)
    assert "a description" in info.value.message
    assert "a budget" in info.value.message
    assert "at least one deliverable" in info.value.message
    brief.refresh_from_db()
    assert brief.status == Brief.Status.DRAFT


def test_publish_then_close_and_no_way_back(brand, brand_owner, django_capture_on_commit_callbacks):
    brief = _ready_brief(brand)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.brief_publish(actor=brand_owner, brief=brief)
    assert len(callbacks) == 1  # the ranking is scheduled after commit
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PUBLISHED
    assert brief.published_by == brand_owner
    assert brief.matches_computed_at is not None

    services.brief_close(actor=brand_owner, brief=brief)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CLOSED
    with pytest.raises(ConflictError, match="closed brief cannot become published"):
        services.brief_publish(actor=brand_owner, brief=brief)
    with pytest.raises(ConflictError, match="closed brief cannot be changed"):
        services.brief_update(actor=brand_owner, brief=brief, title="Again")


def test_closing_a_draft_is_an_illegal_transition(brand, brand_owner):
    brief = _ready_brief(brand)
    with pytest.raises(ConflictError, match="draft brief cannot become closed"):
        services.brief_close(actor=brand_owner, brief=brief)


@override_settings(AUX_BRIEF_REQUIRES_APPROVAL=True)
def test_with_approval_required_brands_submit_and_staff_publish(brand, brand_owner, staff_user):
    brief = _ready_brief(brand)
    services.brief_publish(actor=brand_owner, brief=brief)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SUBMITTED
    with pytest.raises(ConflictError):
        services.brief_publish(actor=brand_owner, brief=brief)  # submitted → submitted: no

    services.brief_publish(actor=staff_user, brief=brief)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PUBLISHED
    assert brief.published_by == staff_user


@override_settings(AUX_BRIEF_REQUIRES_APPROVAL=True)
def test_staff_can_return_a_submitted_brief_to_draft_but_brands_cannot(
    brand, brand_owner, staff_user
):
    brief = _ready_brief(brand)
    services.brief_publish(actor=brand_owner, brief=brief)
    with pytest.raises(PermissionDeniedError):
        services.brief_return_to_draft(actor=brand_owner, brief=brief)
    services.brief_return_to_draft(actor=staff_user, brief=brief, reason="Budget unclear")
    brief.refresh_from_db()
    assert brief.status == Brief.Status.DRAFT


def test_only_drafts_can_be_deleted(brand, brand_owner):
    draft = BriefFactory(brand=brand)
    published = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED)
    services.brief_delete(actor=brand_owner, brief=draft)
    with pytest.raises(ConflictError):
        services.brief_delete(actor=brand_owner, brief=published)
    assert list(Brief.objects.all()) == [published]


def test_only_staff_curate_and_each_change_is_audited(brand, brand_owner, staff_user):
    from tests.artists.factories import ArtistFactory

    brief = _ready_brief(brand)
    artist = ArtistFactory()
    with pytest.raises(PermissionDeniedError):
        services.curation_set(actor=brand_owner, brief=brief, artist_id=artist.pk, hidden=True)
    curation = services.curation_set(
        actor=staff_user, brief=brief, artist_id=artist.pk, pin_order=1, note=" great fit "
    )
    assert (curation.pin_order, curation.note, curation.updated_by) == (1, "great fit", staff_user)
    with pytest.raises(ValidationError):
        services.curation_set(
            actor=staff_user, brief=brief, artist_id=artist.pk, pin_order=1, hidden=True
        )
    event = AuditEvent.objects.get(verb="match.curate")
    assert event.actor == staff_user
    assert event.data["artist_id"] == artist.pk
    services.curation_clear(actor=staff_user, brief=brief, artist_id=artist.pk)
    assert not brief.curations.exists()


def test_shortlist_toggles_for_members_only(brand, brand_viewer, artist_user):
    from tests.artists.factories import ArtistFactory

    brief = _ready_brief(brand)
    artist = ArtistFactory()
    assert services.shortlist_toggle(actor=brand_viewer, brief=brief, artist_id=artist.pk) is True
    assert brief.shortlist.filter(artist=artist).exists()
    assert services.shortlist_toggle(actor=brand_viewer, brief=brief, artist_id=artist.pk) is False
    with pytest.raises(PermissionDeniedError):
        services.shortlist_toggle(actor=artist_user, brief=brief, artist_id=artist.pk)
