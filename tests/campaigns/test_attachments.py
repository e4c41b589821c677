"""Files on booking messages and deliverable submissions: checked by content, party-only."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from campaigns.bookings import services
from campaigns.bookings.attachments import attachment_validate, clean_name
from campaigns.bookings.models import Attachment, Milestone
from tests.campaigns.factories import (
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    # A text chunk stands in for metadata that must not survive the re-encoding.
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-location")
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def offer(brand, brand_manager, artist):
    return make_offer(actor=brand_manager, brief=booking_brief(brand), artist=artist)


@pytest.fixture
def contract(brand, brand_manager, artist):
    return make_active_contract(brand_user=brand_manager, brief=booking_brief(brand), artist=artist)


# --- the validator -------------------------------------------------------------------------------


def test_a_png_is_accepted_and_re_encoded_without_its_metadata():
    original = png_bytes()
    content, content_type, name = attachment_validate(upload("My proof.png", original, "image/png"))
    data = content.read()
    assert content_type == "image/jpeg"
    assert name == "My_proof.jpg"
    assert data != original and data.startswith(b"\xff\xd8")
    assert b"secret-location" not in data
    assert not content.name.startswith("My")  # the stored name is random


def test_a_pdf_is_accepted_as_is_by_its_magic_bytes():
    content, content_type, name = attachment_validate(upload("invoice.PDF", PDF, "text/plain"))
    assert (content_type, name) == ("application/pdf", "invoice.pdf")
    assert content.read() == PDF


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("proof.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "image/png"),  # an .exe
        ("proof.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "application/pdf"),
        ("page.png", b"<!doctype html><script>alert(1)</script>", "image/png"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
    ],
)
def test_a_renamed_executable_html_or_svg_is_refused(name, data, declared):
    with pytest.raises(ValidationError) as exc:
        attachment_validate(upload(name, data, declared))
    assert "only images (JPEG, PNG, WebP, GIF) and PDF files" in exc.value.messages[0]


def test_an_oversized_file_is_refused(settings):
    settings.AUX_MAX_ATTACHMENT_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        attachment_validate(upload("big.pdf", PDF + b"0" * 2048))
    assert "too large" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="too large"):
        attachment_validate(upload("big.png", png_bytes((600, 600))))


def test_file_names_are_sanitised_and_capped():
    assert clean_name("../../etc/pass wd;rm -rf.pdf", ext="pdf") == "pass_wdrm_-rf.pdf"
    assert clean_name("..", ext="pdf") == "attachment.pdf"
    assert len(clean_name("a" * 500 + ".pdf", ext="pdf")) <= 100


# --- services ------------------------------------------------------------------------------------


def test_a_message_carries_its_files_and_may_have_no_text(offer, brand_manager):
    message = services.message_post(
        actor=brand_manager, offer=offer, body="",
        attachments=[upload("a.png", png_bytes()), upload("b.pdf", PDF)],
    )  # fmt: skip
    files = list(message.attachments.order_by("pk"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("a.jpg", "image/jpeg"), ("b.pdf", "application/pdf"),
    ]  # fmt: skip
    assert files[1].size == len(PDF) and files[0].uploaded_by == brand_manager
    assert files[0].file.name.startswith("attachments/")


def test_more_than_five_files_are_refused_and_nothing_is_stored(offer, brand_manager):
    with pytest.raises(ValidationError) as exc:
        services.message_post(
            actor=brand_manager, offer=offer, body="six",
            attachments=[upload(f"{i}.pdf", PDF) for i in range(6)],
        )  # fmt: skip
    assert "attachments" in exc.value.message_dict
    assert not Attachment.objects.exists() and not offer.messages.exists()


def test_a_refused_file_refuses_the_whole_message(offer, brand_manager):
    with pytest.raises(ValidationError):
        services.message_post(
            actor=brand_manager, offer=offer, body="hi",
            attachments=[upload("ok.pdf", PDF), upload("x.png", b"<html></html>")],
        )  # fmt: skip
    assert not offer.messages.exists() and not Attachment.objects.exists()


def test_a_submission_may_prove_the_work_with_files_only(contract, artist):
    milestone = contract.milestones.order_by("pk").first()
    milestone = services.milestone_submit(
        actor=artist.user, milestone=milestone, attachments=[upload("shot.png", png_bytes())]
    )
    assert milestone.status == Milestone.Status.SUBMITTED
    assert milestone.attachments.get().content_type == "image/jpeg"


def test_an_attachment_has_exactly_one_parent(contract, artist, offer, brand_manager):
    message = services.message_post(actor=brand_manager, offer=offer, body="hi")
    milestone = contract.milestones.first()
    pdf = {"file": "attachments/x.pdf", "original_name": "x.pdf", "size": 1,
           "content_type": "application/pdf"}  # fmt: skip
    both = Attachment(**pdf, message=message, milestone=milestone)
    with pytest.raises(ValidationError):
        both.full_clean()
    neither = Attachment(**pdf)
    with pytest.raises(ValidationError):
        neither.full_clean()


# --- downloads and pages -------------------------------------------------------------------------


def test_only_a_party_or_staff_can_download_and_it_is_never_inline(
    client, offer, brand_manager, brand_viewer, artist, staff_user
):
    message = services.message_post(
        actor=brand_manager, offer=offer, body="see", attachments=[upload("deck.pdf", PDF)]
    )
    url = reverse("bookings:attachment_download", args=[message.attachments.get().pk])
    client.force_login(UserFactory())  # someone else entirely
    assert client.get(url).status_code == 404
    client.force_login(booking_artist(slug="other").user)
    assert client.get(url).status_code == 404
    for user in (artist.user, brand_viewer, staff_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="deck.pdf"')
        assert b"".join(response.streaming_content) == PDF


def test_the_thread_form_posts_files_and_links_to_the_checked_download(
    client, offer, brand_manager
):
    client.force_login(brand_manager)
    url = reverse("bookings:offer_thread", args=[offer.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'hx-encoding="multipart/form-data"' in page
    assert 'type="file"' in page and "multiple" in page
    response = client.post(
        url, {"body": "deck", "attachments": [upload("deck.pdf", PDF)]}, HTTP_HX_REQUEST="true"
    )
    attachment = Attachment.objects.get()
    assert (
        reverse("bookings:attachment_download", args=[attachment.pk]) in response.content.decode()
    )
    assert "/media/" not in response.content.decode()


def test_the_submit_form_takes_files(client, contract, artist):
    milestone = contract.milestones.order_by("pk").first()
    client.force_login(artist.user)
    page = client.get(reverse("bookings:contract_detail", args=[contract.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    client.post(
        reverse("bookings:milestone_action", args=[milestone.pk, "submit"]),
        {"note": "done", "attachments": [upload("a.pdf", PDF), upload("b.png", png_bytes())]},
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SUBMITTED
    assert milestone.attachments.count() == 2


# --- API ---------------------------------------------------------------------------------------


def test_the_api_takes_message_files_as_multipart(offer, artist):
    api = APIClient()
    api.force_authenticate(artist.user)
    url = f"/api/v1/offers/{offer.pk}/messages/"
    response = api.post(
        url, {"body": "here", "attachments": [upload("a.png", png_bytes()), upload("b.pdf", PDF)]},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    files = response.json()["attachments"]
    assert [f["content_type"] for f in files] == ["image/jpeg", "application/pdf"]
    assert files[0]["url"] == reverse("bookings:attachment_download", args=[files[0]["id"]])
    listed = api.get(url).json()["results"][0]["attachments"]
    assert [f["id"] for f in listed] == [f["id"] for f in files]


def test_the_api_refuses_a_disguised_file_with_the_error_shape(offer, artist):
    api = APIClient()
    api.force_authenticate(artist.user)
    response = api.post(
        f"/api/v1/offers/{offer.pk}/messages/",
        {"body": "x", "attachments": [upload("evil.pdf", b"<svg onload=alert(1)>")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert not Attachment.objects.exists()


def test_the_api_submits_a_deliverable_with_files(contract, artist):
    milestone = contract.milestones.order_by("pk").first()
    api = APIClient()
    api.force_authenticate(artist.user)
    response = api.post(
        f"/api/v1/milestones/{milestone.pk}/submit/",
        {"note": "live set", "attachments": [upload("setlist.pdf", PDF)]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert [f["original_name"] for f in body["attachments"]] == ["setlist.pdf"]
