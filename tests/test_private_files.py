"""Private files (contract PDFs, attachments, result screenshots, data exports) reach only the
readers their view allows: streamed from the local folder, or through a redirect to a URL of the
object store signed for a minute. No private file has a public URL; photos and logos do."""

import calendar
import runpy
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from aux.privacy.models import ExportArchive
from aux.privacy.services import export_link
from campaigns.bookings.models import Attachment, Message
from campaigns.reporting.models import MilestoneResult
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract
from tests.s3_server import (  # noqa: F401 (the fixtures)
    BUCKET,
    s3_endpoint_fixture,
    s3_options,
    s3_storage_fixture,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]

PDF = b"%PDF-1.4\n% private\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0 a screenshot"
ZIP = b"PK\x03\x04 an archive"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _files(brand, brand_manager) -> dict:
    """One file of each private kind: {kind: (url, a reader allowed, the bytes)}."""
    artist = booking_artist()
    contract = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand),
                                    artist=artist)  # fmt: skip
    contract.pdf.save("contract.pdf", ContentFile(PDF), save=True)
    message = Message.objects.create(offer=contract.offer, author=artist.user, side="artist",
                                     body="my rider")  # fmt: skip
    attachment = Attachment(message=message, original_name="rider.pdf", size=len(PDF),
                            content_type="application/pdf")  # fmt: skip
    attachment.file.save("rider.pdf", ContentFile(PDF), save=True)
    result = MilestoneResult(milestone=contract.milestones.first(), kind="saves", value=3,
                             reported_at=timezone.now())  # fmt: skip
    result.screenshot.save("shot.jpg", ContentFile(JPEG), save=True)
    archive = ExportArchive(user=artist.user, status="ready",
                            expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    archive.file.save("export.zip", ContentFile(ZIP), save=True)
    return {
        "contract_pdf": (reverse("bookings:contract_pdf", args=[contract.pk]), brand_manager, PDF),
        "attachment": (
            reverse("bookings:attachment_download", args=[attachment.pk]),
            brand_manager,
            PDF,
        ),
        "result_screenshot": (
            reverse("reports:result_screenshot", args=[result.pk]),
            brand_manager,
            JPEG,
        ),
        "export": (export_link(archive), artist.user, ZIP),
    }


def _stranger(kind: str):
    """Another brand's owner (another artist for the artist's own export)."""
    if kind == "export":
        return booking_artist().user
    return MembershipFactory(role="owner").user


def test_each_private_file_is_streamed_to_its_reader_and_to_nobody_else(
    client, brand, brand_manager
):
    for kind, (url, reader, data) in _files(brand, brand_manager).items():
        client.logout()
        assert client.get(url).status_code == 302, kind  # anonymous: to the login page
        client.force_login(_stranger(kind))
        assert client.get(url).status_code == 404, kind  # not even whether it exists
        client.force_login(reader)
        response = client.get(url)

        assert response.status_code == 200 and response.streaming, kind
        assert b"".join(response.streaming_content) == data, kind
        assert response["Cache-Control"] == "private, no-store", kind
        disposition = "inline" if kind == "result_screenshot" else "attachment"
        assert response["Content-Disposition"].startswith(disposition), kind


def test_on_object_storage_each_private_file_is_a_redirect_signed_for_a_minute(
    client, brand, brand_manager, s3_storage, settings
):
    for kind, (url, reader, data) in _files(brand, brand_manager).items():
        client.force_login(_stranger(kind))
        assert client.get(url).status_code == 404, kind
        client.force_login(reader)

        response = client.get(url)

        assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
        signed = response["Location"]
        assert signed.startswith(f"{s3_storage}/{BUCKET}/private/"), kind
        query = parse_qs(urlsplit(signed).query)
        assert query["X-Amz-Expires"] == [str(settings.AUX_PRIVATE_FILE_URL_SECONDS)] == ["60"]
        assert query["X-Amz-Signature"] and query["X-Amz-Credential"][0].startswith("test-key/")
        signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ"))
        assert abs(signed_at - time.time()) < 60, kind
        disposition = "inline" if kind == "result_screenshot" else "attachment"
        assert query["response-content-disposition"][0].startswith(disposition), kind
        with urllib.request.urlopen(signed) as got:  # noqa: S310 (the local S3)
            assert got.read() == data, kind
        # The object itself is private: without the signature the store refuses it.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(signed.split("?", 1)[0])  # noqa: S310
        assert refused.value.code == 403, kind


def test_on_object_storage_photos_and_logos_have_plain_public_urls(s3_storage, settings):
    public = storages.create_storage(settings.STORAGES["public"])
    name = public.save("artists/photos/me.jpg", ContentFile(JPEG))
    assert public.url(name) == f"{s3_storage}/{BUCKET}/public/{name}"  # cacheable, unsigned


def test_the_local_folder_serves_photos_and_logos_but_no_private_file(client, settings):
    media = Path(settings.MEDIA_ROOT)
    for name, data in [("artists/photos/me.jpg", JPEG), ("contracts/contract-1.pdf", PDF)]:
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)

    photo = client.get("/media/artists/photos/me.jpg")
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG
    assert client.get("/media/contracts/contract-1.pdf").status_code == 404
    assert client.get("/media/artists/photos/../../contracts/contract-1.pdf").status_code == 404
    assert (
        client.get("/media/artists/photos/%2E%2E/%2E%2E/contracts/contract-1.pdf").status_code
        == 404
    )


def test_the_aws_variables_configure_what_these_tests_run_on(s3_endpoint, monkeypatch):
    """aux/settings.py builds, from the environment, the storages tested above."""
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    local = runpy.run_path(str(ROOT / "aux" / "settings.py"))["STORAGES"]
    for name, value in [
        ("AWS_STORAGE_BUCKET_NAME", BUCKET), ("AWS_S3_ENDPOINT_URL", s3_endpoint),
        ("AWS_S3_REGION_NAME", "us-east-1"), ("AWS_S3_ACCESS_KEY_ID", "test-key"),
        ("AWS_S3_SECRET_ACCESS_KEY", "test-secret"),
    ]:  # fmt: skip
        monkeypatch.setenv(name, value)
    s3 = runpy.run_path(str(ROOT / "aux" / "settings.py"))["STORAGES"]

    assert (
        local["default"]
        == local["public"]
        == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    )
    assert s3["default"] == s3_options(s3_endpoint, location="private", querystring_expire=60)
    assert s3["public"] == s3_options(s3_endpoint, location="public", querystring_auth=False)
