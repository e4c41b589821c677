"""Brand verification: the request with its evidence, the staff queue, the badge, and the
setting that keeps unverified brands from publishing briefs and sending offers."""

import pytest
from django.urls import reverse

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications.models import Notification
from brands.verification import brand_verification_request
from campaigns.bookings import services as booking_services
from campaigns.briefs import services as brief_services
from campaigns.briefs.models import Brief
from tests.artists.factories import ArtistFactory
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import BriefFactory, booking_artist, booking_brief

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "website_domain": "https://www.fizzwave.com/about",
    "registration_number": "RCS 812 345 678",
    "contact_name": "Ana Lopez",
}


@pytest.fixture
def owner():
    return MembershipFactory(
        brand=BrandFactory(name="Fizzwave", slug="fizzwave"), role="owner",
        user__email="ana@fizzwave.com",
    ).user  # fmt: skip


def test_the_website_domain_must_be_the_requesters_e_mail_domain(owner):
    brand = owner.memberships.get().brand
    cases = [
        ({"website_domain": "otherco.com"}, "website_domain", "is not on otherco.com"),
        ({"website_domain": "gmail.com"}, "website_domain", "public e-mail provider"),
        ({"website_domain": "not a domain"}, "website_domain", "domain of the company"),
        ({"registration_number": "#"}, "registration_number", "registration number"),
        ({"contact_name": " "}, "contact_name", "person"),
    ]
    from django.core.exceptions import ValidationError

    for change, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            brand_verification_request(actor=owner, brand=brand, **{**EVIDENCE, **change})
        assert message in " ".join(exc.value.message_dict[field])
    made = brand_verification_request(actor=owner, brand=brand, **EVIDENCE)
    assert made.website_domain == "fizzwave.com" and made.status == "pending"
    with pytest.raises(ConflictError, match="already waiting"):
        brand_verification_request(actor=owner, brand=brand, **EVIDENCE)
    viewer = MembershipFactory(brand=brand, role="viewer", user__email="v@fizzwave.com").user
    with pytest.raises(PermissionDeniedError):
        brand_verification_request(actor=viewer, brand=brand, **EVIDENCE)


def test_the_request_page_shows_each_error_next_to_its_field(client, owner):
    brand = owner.memberships.get().brand
    client.force_login(owner)
    url = reverse("brands:verification", args=[brand.slug])
    assert (
        reverse("brands:verification", args=[brand.slug])
        in client.get(reverse("brands:dashboard")).text
    )
    empty = client.post(url, {**EVIDENCE, "contact_name": ""})
    assert empty.status_code == 400 and "This field is required." in empty.text
    bad = client.post(url, {**EVIDENCE, "website_domain": "otherco.com"})
    assert bad.status_code == 400 and "is not on otherco.com" in bad.text
    assert 'value="RCS 812 345 678"' in bad.text  # what was typed is kept
    assert client.post(url, EVIDENCE).status_code == 302
    assert "waiting for AUX staff" in client.get(url).text


def test_staff_refuse_with_a_reason_or_approve_and_the_badge_says_what_and_when(
    client, owner, staff_user, django_capture_on_commit_callbacks
):
    brand = owner.memberships.get().brand
    request = brand_verification_request(actor=owner, brand=brand, **EVIDENCE)
    client.force_login(staff_user)
    change = reverse("admin:brands_brandverificationrequest_change", args=[request.pk])
    page = client.get(change).text
    assert "fizzwave.com" in page and "ana@fizzwave.com" in page
    no_reason = client.post(change, {"decision": "refuse", "reason": ""})
    assert no_reason.status_code == 200 and "Say why the request is refused." in no_reason.text
    with django_capture_on_commit_callbacks(execute=True):
        refuse = client.post(change, {"decision": "refuse", "reason": "Register number unknown"})
    assert refuse.status_code == 302
    request.refresh_from_db()
    assert request.status == "refused"
    note = Notification.objects.get(recipient=owner, kind="verification.decided")
    assert "Register number unknown" in note.params["reason"]
    # Refused: the brand may ask again; the page shows why the last one was refused.
    client.force_login(owner)
    assert (
        "Register number unknown"
        in client.get(reverse("brands:verification", args=[brand.slug])).text
    )
    second = brand_verification_request(actor=owner, brand=brand, **EVIDENCE)
    client.force_login(staff_user)
    change = reverse("admin:brands_brandverificationrequest_change", args=[second.pk])
    assert client.post(change, {"decision": "approve", "reason": ""}).status_code == 302
    brand.refresh_from_db()
    assert brand.verified and brand.verified_by == staff_user
    assert AuditEvent.objects.filter(verb="brand.verification_approved").exists()
    public = client.get(reverse("brands:detail", args=[brand.slug])).text
    assert "Verified by AUX staff on" in public and "company website domain fizzwave.com" in public
    # A decided request is read-only in the queue.
    assert client.post(change, {"decision": "refuse", "reason": "x"}).status_code == 403


def test_the_api_reads_and_sends_a_request(client, owner):
    brand = owner.memberships.get().brand
    client.force_login(owner)
    url = f"/api/v1/brands/{brand.slug}/verification/"
    assert client.get(url).json() == {"verified": False, "verified_at": None,
                                      "what_was_verified": None, "request": None}  # fmt: skip
    bad = client.post(
        url, {**EVIDENCE, "website_domain": "otherco.com"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "website_domain" in bad.json()["errors"]
    made = client.post(url, EVIDENCE, content_type="application/json")
    assert made.status_code == 201 and made.json()["request"]["status"] == "pending"
    again = client.post(url, EVIDENCE, content_type="application/json")
    assert again.status_code == 409
    client.force_login(ArtistFactory().user)
    assert client.get(url).status_code == 404


def test_unverified_brands_draft_but_publish_and_offer_only_once_verified(
    settings, brand_manager, brand
):
    settings.AUX_REQUIRE_BRAND_VERIFICATION = True
    draft = BriefFactory(brand=brand, status=Brief.Status.DRAFT)
    with pytest.raises(PermissionDeniedError, match="not verified"):
        brief_services.brief_publish(actor=brand_manager, brief=draft)
    brief = booking_brief(brand)
    with pytest.raises(PermissionDeniedError, match="not verified"):
        booking_services.offer_create(actor=brand_manager, brief=brief, artist=booking_artist())
    brand.verified = True
    brand.save()
    offer = booking_services.offer_create(actor=brand_manager, brief=brief, artist=booking_artist())
    assert offer.status == "sent"


def test_without_the_setting_an_unverified_brand_publishes_and_offers(
    settings, brand_manager, brand
):
    assert settings.AUX_REQUIRE_BRAND_VERIFICATION is False  # the demo and the tests (DEBUG on)
    assert not brand.verified
    brief = booking_brief(brand)
    offer = booking_services.offer_create(actor=brand_manager, brief=brief, artist=booking_artist())
    assert offer.status == "sent"


def test_the_setting_is_on_by_default_when_debug_is_off():
    import subprocess
    import sys

    code = ("import os; os.environ.pop('AUX_REQUIRE_BRAND_VERIFICATION', None);"
            "os.environ['DEBUG']='0'; os.environ.setdefault('SECRET_KEY','x'*50);"
            "import aux.settings as s; print(s.AUX_REQUIRE_BRAND_VERIFICATION)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "True", out.stderr[-2000:]
