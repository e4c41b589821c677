"""The demo's outbox (aux/outbox.py): e-mails written as .eml files instead of printed, read by
staff at /staff/outbox/ per recipient; the console stays quiet."""

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from aux.outbox import OutboxBackend, outbox_messages

pytestmark = pytest.mark.django_db


def _send(directory, to, subject, html=None):
    msg = EmailMultiAlternatives(subject, f"Hello {to}, see http://127.0.0.1:8477/x/", to=[to])
    if html:
        msg.attach_alternative(html, "text/html")
    return OutboxBackend(directory=str(directory)).send_messages([msg])


def test_the_backend_writes_one_eml_per_message_and_reads_them_back_newest_first(tmp_path):
    assert _send(tmp_path, "zoe@example.com", "Offer from Fizzwave é") == 1
    _send(tmp_path, "brand@example.com", "Contract signed", html="<p><b>Signed</b></p>")
    assert len(list(tmp_path.glob("*.eml"))) == 2
    mails = outbox_messages(tmp_path)
    assert [m.subject for m in mails] == ["Contract signed", "Offer from Fizzwave é"]
    assert mails[0].html == "<p><b>Signed</b></p>\n" and "Hello brand@" in mails[0].text
    assert [m.subject for m in outbox_messages(tmp_path, recipient="ZOE@example.com")] == [
        "Offer from Fizzwave é"
    ]


def test_with_the_outbox_set_mail_goes_to_the_folder_not_the_console(tmp_path, settings, capsys):
    settings.MAILERS = {
        "default": {"BACKEND": "aux.outbox.OutboxBackend", "OPTIONS": {"directory": str(tmp_path)}}
    }
    EmailMultiAlternatives("Quiet", "body", to=["a@example.com"]).send()
    assert capsys.readouterr().out == ""
    assert [m.subject for m in outbox_messages(tmp_path)] == ["Quiet"]


def test_staff_read_the_outbox_per_recipient_with_the_html_sandboxed(
    client, staff_user, tmp_path, settings
):
    settings.AUX_MAIL_OUTBOX = str(tmp_path)
    _send(tmp_path, "zoe@example.com", "Offer for Zoe")
    _send(tmp_path, "brand@example.com", "Signed", html="<p>Signed<script>x()</script></p>")
    client.force_login(staff_user)
    page = client.get(reverse("outbox")).content.decode()
    assert "Offer for Zoe" in page and "Signed" in page and "zoe@example.com" in page
    only = client.get(reverse("outbox"), {"to": "zoe@example.com"}).content.decode()
    assert "Offer for Zoe" in only and ">Signed</a>" not in only
    name = outbox_messages(tmp_path, recipient="brand@example.com")[0].name
    html = client.get(reverse("outbox_html", args=[name]))
    assert html.status_code == 200 and html["Content-Security-Policy"].startswith("sandbox;")
    assert client.get(reverse("outbox_html", args=["..%2Fsecret.eml"])).status_code == 404


def test_without_the_outbox_the_page_says_where_mail_goes(client, staff_user, settings):
    settings.AUX_MAIL_OUTBOX = ""
    client.force_login(staff_user)
    assert "The outbox is off" in client.get(reverse("outbox")).content.decode()
