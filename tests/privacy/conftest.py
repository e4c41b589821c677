"""A person with a full booking history, paid through the fake Stripe (no mocks)."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract
from tests.payments.factories import fund, signed_contract
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (registers `stripe_api`)

PHONE = "+33 6 12 34 56 78"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "purple").save(out, "PNG")
    return out.getvalue()


def pdf_upload(name: str = "rider.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a rider\n%%EOF\n", "application/pdf")


@dataclass
class History:
    manager: object
    artist: object
    contract: Contract


def booking_history(capture, *, pay: bool = True) -> History:
    """An artist (photo, bio with a phone number) and a brand manager with a signed, funded
    contract, a thread with a file, and (if `pay`) every deliverable approved and paid."""
    manager, artist, contract = signed_contract()
    artist.bio = f"Bookings: call {PHONE}"
    artist.city = "Lyon"
    artist.photo.save("me.png", ContentFile(png_bytes()), save=False)
    artist.save()
    body = f"My rider is attached; call {PHONE}"
    bookings.message_post(
        actor=artist.user, offer=contract.offer, body=body, attachments=[pdf_upload()]
    )
    bookings.message_post(actor=manager, offer=contract.offer, body="Thanks, see you there")
    fund(manager, contract)
    if pay:
        with capture(execute=True):
            for m in contract.milestones.order_by("pk"):
                bookings.milestone_submit(actor=artist.user, milestone=m, note="done",
                                          disclosure_confirmed=True)  # fmt: skip
                bookings.milestone_approve(actor=manager, milestone=m)
    contract.refresh_from_db()
    return History(manager=manager, artist=artist, contract=contract)


@pytest.fixture
def history(stripe_api, django_capture_on_commit_callbacks) -> History:
    return booking_history(django_capture_on_commit_callbacks)
