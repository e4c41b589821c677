"""Result reporting on deliverables: who may report, question and answer; evidence; audit; API;
the artist's earnings API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from campaigns.reporting.models import MilestoneResult
from campaigns.reporting.services import result_answer, result_question, result_report
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract

pytestmark = pytest.mark.django_db


def _png(name="shot.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_artist_reports_then_corrects_a_figure_and_both_are_audited(seeded):
    star, mb = seeded["star"], seeded["mb"]
    r = result_report(actor=star.user, milestone=mb, kind="saves", value=10,
                      evidence_url="https://x.test/s")  # fmt: skip
    r2 = result_report(actor=star.user, milestone=mb, kind="saves", value=12)
    assert r2.pk == r.pk and r2.value == 12 and r2.evidence_url == "https://x.test/s"
    verbs = list(
        AuditEvent.objects.filter(target_id=str(r.pk), verb__startswith="result.").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["result.correct", "result.report"]


def test_screenshot_evidence_is_re_encoded_and_a_fake_image_refused(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    star, mb = seeded["star"], seeded["mb"]
    r = result_report(actor=star.user, milestone=mb, kind="shares", value=5, screenshot=_png())
    assert r.screenshot.name.endswith(".jpg")
    fake = SimpleUploadedFile("x.png", b"<svg>not an image</svg>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        result_report(actor=star.user, milestone=mb, kind="saves", value=5, screenshot=fake)
    assert "screenshot" in exc.value.message_dict


def test_a_figure_needs_evidence(seeded):
    with pytest.raises(ValidationError):
        result_report(actor=seeded["star"].user, milestone=seeded["mb"], kind="saves", value=3)


def test_only_the_artist_reports_and_only_after_submission(seeded, brand_owner):
    with pytest.raises(PermissionDeniedError):
        result_report(actor=brand_owner, milestone=seeded["mb"], kind="saves", value=1,
                      evidence_url="https://x.test")  # fmt: skip
    pending = seeded["b"].milestones.get(title="Story")
    with pytest.raises(ConflictError):
        result_report(actor=seeded["star"].user, milestone=pending, kind="saves", value=1,
                      evidence_url="https://x.test")  # fmt: skip


def test_brand_questions_and_artist_answers_with_a_correction(seeded, brand, brand_owner):
    views = MilestoneResult.objects.get(milestone=seeded["mb"], kind="views")
    viewer = MembershipFactory(brand=brand, role="viewer").user
    with pytest.raises(PermissionDeniedError):
        result_question(actor=viewer, result=views, question="?")
    with pytest.raises(PermissionDeniedError):
        result_question(actor=seeded["star"].user, result=views, question="?")
    views = result_question(actor=brand_owner, result=views, question="Twice the usual reach?")
    assert views.status == "questioned"
    with pytest.raises(ConflictError):
        result_question(actor=brand_owner, result=views, question="Again")
    with pytest.raises(PermissionDeniedError):
        result_answer(actor=brand_owner, result=views, answer="x")
    views = result_answer(actor=seeded["star"].user, result=views, answer="Typo", value=90_000)
    assert (views.status, views.value, views.answer) == ("answered", 90_000, "Typo")
    assert AuditEvent.objects.filter(verb="result.answer", target_id=str(views.pk)).exists()


def test_contract_page_shows_results_and_the_forms_for_each_side(client, seeded, brand_owner):
    url = reverse("bookings:contract_detail", args=[seeded["b"].pk])
    client.force_login(seeded["star"].user)
    html = client.get(url).content.decode()
    assert 'id="results"' in html and "100,000" in html
    assert reverse("reports:result_report", args=[seeded["mb"].pk]) in html
    client.force_login(brand_owner)
    html = client.get(url).content.decode()
    views = MilestoneResult.objects.get(milestone=seeded["mb"], kind="views")
    assert reverse("reports:result_question", args=[views.pk]) in html
    assert reverse("reports:result_report", args=[seeded["mb"].pk]) not in html


def test_result_forms_post_through_the_services(client, seeded, brand_owner):
    mb = seeded["mb"]
    client.force_login(seeded["star"].user)
    response = client.post(reverse("reports:result_report", args=[mb.pk]),
                           {"kind": "comments", "value": "340",
                            "evidence_url": "https://x.test/c"})  # fmt: skip
    assert response.status_code == 302
    comments = MilestoneResult.objects.get(milestone=mb, kind="comments")
    assert comments.value == 340
    client.force_login(brand_owner)
    client.post(reverse("reports:result_question", args=[comments.pk]), {"question": "Bots?"})
    comments.refresh_from_db()
    assert comments.status == "questioned"
    client.force_login(seeded["star"].user)
    client.post(reverse("reports:result_answer", args=[comments.pk]), {"answer": "Real fans"})
    comments.refresh_from_db()
    assert (comments.status, comments.answer) == ("answered", "Real fans")


def test_results_api_lists_reports_and_uses_the_error_shape(seeded, brand_owner):
    mb, star = seeded["mb"], seeded["star"]
    api = APIClient()
    api.force_authenticate(star.user)
    url = f"/api/v1/milestones/{mb.pk}/results/"
    assert {r["kind"] for r in api.get(url).json()} == {"views", "streams"}
    created = api.post(url, {"kind": "saves", "value": 7, "evidence_url": "https://x.test/v"},
                       format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["value"] == 7
    bad = api.post(url, {"kind": "nonsense", "value": -1}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "value"}
    no_evidence = api.post(url, {"kind": "likes", "value": 1}, format="json")
    assert no_evidence.status_code == 400 and "evidence_url" in no_evidence.json()["errors"]
    upload = api.post(url, {"kind": "likes", "value": 3, "screenshot": _png()}, format="multipart")
    assert upload.status_code == 201, upload.json()
    rid = created.json()["id"]
    assert api.post(f"/api/v1/results/{rid}/question/", {"question": "?"}).status_code == 403
    api.force_authenticate(brand_owner)
    q = api.post(f"/api/v1/results/{rid}/question/", {"question": "Source?"}, format="json")
    assert q.status_code == 200 and q.json()["status"] == "questioned"
    assert api.post(url, {"kind": "saves", "value": 1}, format="json").status_code == 403
    api.force_authenticate(star.user)
    a = api.post(f"/api/v1/results/{rid}/answer/", {"value": 8}, format="json")
    assert a.status_code == 200 and a.json()["value"] == 8
    outsider = APIClient()
    outsider.force_authenticate(MembershipFactory(role="owner").user)
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"/api/v1/results/{rid}/question/", {"question": "x"}).status_code == 404


def test_artist_earnings_api_splits_paid_escrow_and_expected(brand, brand_owner):
    from payments.models import Payout

    brief = booking_brief(brand)
    artist = booking_artist()
    funded = make_active_contract(brand_user=brand_owner, brief=brief, artist=artist)
    m = funded.milestones.get()
    # An approved, paid deliverable of €2,000 ...
    m.status, m.approved_amount = "paid", m.amount
    m.save()
    Payout.objects.create(milestone=m, contract=funded, payee=artist.user,
                          stripe_account_id="acct_1", amount=200_000, currency="EUR",
                          idempotency_key="t-1", status="sent", sent_at=timezone.now())  # fmt: skip
    # ... a second contract in escrow (€2,000), a third signed but not funded (€2,000).
    brief2, brief3 = booking_brief(brand), booking_brief(brand)
    make_active_contract(brand_user=brand_owner, brief=brief2, artist=artist)
    unfunded = make_active_contract(brand_user=brand_owner, brief=brief3, artist=artist)
    type(unfunded).objects.filter(pk=unfunded.pk).update(funded=False)
    api = APIClient()
    api.force_authenticate(artist.user)
    data = api.get("/api/v1/artists/me/earnings/").json()
    assert data["totals"] == [{"currency": "EUR", "paid": 200_000, "payout_pending": 0,
                               "in_escrow": 200_000, "expected": 200_000, "fees": 0,
                               "deposits_paid": 0}]  # fmt: skip
    month = timezone.localdate().strftime("%Y-%m")
    assert data["by_month"] == [{"month": month, "currency": "EUR", "paid": 200_000}]
    assert data["by_brand"][0]["slug"] == brand.slug and data["by_brand"][0]["paid"] == 200_000
    # Another user sees nothing of it.
    api.force_authenticate(booking_artist().user)
    assert api.get("/api/v1/artists/me/earnings/").json()["totals"] == []
