"""Right of access: one archive of everything AUX holds about the person, built by a task,
offered by a signed, expiring link (page, API and e-mail); staff can run it from the admin."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aux.privacy import services
from aux.privacy.inventory import INVENTORY
from aux.privacy.models import ExportArchive
from campaigns.bookings.contract_pdf import contract_pdf_store
from tests.users.factories import UserFactory

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_api_export_returns_202_and_the_archive_holds_everything_about_the_artist(
    history, django_capture_on_commit_callbacks
):
    user = history.artist.user
    contract_pdf_store(contract=history.contract)
    api = APIClient()
    api.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api-me-export"))
    assert response.status_code == 202, response.content
    assert response.json()["url"].endswith(reverse("privacy:account"))
    archive = ExportArchive.objects.get(pk=response.json()["id"])
    assert archive.status == "ready" and archive.expires_at > timezone.now()

    # The e-mail carries the signed link; it downloads for the owner only.
    assert mail.outbox[-1].to == [user.email]
    link = re.search(r"https?://\S+(/account/data/export/\S+/)", mail.outbox[-1].body).group(1)
    client = Client()
    client.force_login(user)
    response = client.get(link)
    assert response.status_code == 200
    zf = _zip(response)
    names = set(zf.namelist())
    document = json.loads(zf.read("data.json"))
    data = document["data"]

    # Every exported model of the inventory has its section, the graph's excluded ones say why.
    assert set(data) == {label for label, e in INVENTORY.items() if e.paths}
    assert set(document["not_exported"]) == {label for label, e in INVENTORY.items() if e.excluded}
    (me,) = data["users.User"]
    assert me["fields"]["email"] == user.email and "password" not in me["fields"]
    assert PHONE in data["artists.Artist"][0]["fields"]["bio"]
    assert len(data["campaigns.Message"]) == 2  # theirs and the brand's answer in their thread
    assert len(data["payments.Payout"]) == 2 and data["payments.LedgerEntry"]
    assert data["campaigns.Signature"] and data["artists.Rate"]
    assert all("client_secret" not in r["fields"] for r in data["payments.Payment"])
    # The files they uploaded or signed, and a statement of the year's payouts.
    assert any(n.startswith("files/photo/") for n in names)
    assert any(n.startswith("files/attachments/") and n.endswith("rider.pdf") for n in names)
    assert f"files/contracts/contract-{history.contract.pk}.pdf" in names
    year = timezone.now().year
    assert zf.read(f"files/statements/statement-{year}.pdf").startswith(b"%PDF")

    other = UserFactory()
    client.force_login(other)
    assert client.get(link).status_code == 404


def test_the_link_expires_and_a_forged_one_fails(
    history, client, django_capture_on_commit_callbacks
):
    user = history.manager
    with django_capture_on_commit_callbacks(execute=True):
        archive = services.export_request(user=user, requested_by=user)
    archive.refresh_from_db()
    link = services.export_link(archive)
    client.force_login(user)
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + "xx/").status_code == 404
    ExportArchive.objects.filter(pk=archive.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(link).status_code == 404


@pytest.mark.django_db  # on_commit waits for the test's transaction: the build has not run yet
def test_the_page_requests_one_archive_and_lists_it(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("privacy:account"))
    assert page.status_code == 200 and b"Prepare my archive" in page.content
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("privacy:export_request"))
        client.post(reverse("privacy:export_request"))  # a double click queues one build
    assert ExportArchive.objects.filter(user=user).count() == 1
    assert "Being prepared" in client.get(reverse("privacy:account")).content.decode()


def test_staff_run_an_export_for_a_user_from_the_admin(client, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True, is_superuser=True, role="staff")
    user = UserFactory()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:users_user_changelist"),
            {"action": "export_for_users", "_selected_action": [user.pk]},
        )
    assert response.status_code == 302
    archive = ExportArchive.objects.get(user=user)
    assert archive.status == "ready" and archive.requested_by == staff
    assert mail.outbox[-1].to == [user.email]
    assert client.get(reverse("admin:privacy_exportarchive_changelist")).status_code == 200
