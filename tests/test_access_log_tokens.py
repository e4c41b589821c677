"""Invitation, unsubscribe and allauth key tokens never reach an access log we write.

The e-mailed links land on views that move the token into the session and redirect to a URL
without it; the first request still carries the token in its path, so the access logs we control
redact it: Django's `django.server` logger (runserver) and gunicorn's access log (the logger class
named in gunicorn.conf.py, which the Dockerfile and docker-compose.yml use).
"""

import contextlib
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from aux.logredact import RedactTokensFilter, redact
from tests.integration.faults_site import free_port

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Sup3rSecretT0kenValue-abcdefghijklmnopqrstuvwxyz0123"
TOKEN_PATHS = [
    f"/brands/invitations/{SECRET}/",
    f"/notifications/unsubscribe/{SECRET}/",
    f"/accounts/confirm-email/{SECRET}/",
    f"/accounts/password/reset/key/1-{SECRET}/",
]


def _get(url: str) -> None:
    # Any status will do: the access line is what matters.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 (loopback test server)


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_redact_removes_the_token_and_keeps_the_route(path):
    line = f'"GET {path}?x=1 HTTP/1.1" 302 0'
    assert SECRET not in redact(line)
    route = path.split(SECRET)[0].rstrip("1-")
    assert route in redact(line) and "[redacted]" in redact(line)


def test_redact_leaves_ordinary_paths_alone():
    for path in ("/brands/invitations/", "/brands/acme/team/invitations/4/revoke/", "/artists/"):
        assert redact(path) == path


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_runserver_request_log_records_carry_no_token():
    """The call runserver's request handler makes for each request (WSGIRequestHandler
    .log_message → django.utils.log.log_message on the `django.server` logger), through the
    logging set-up of settings.LOGGING; the records its handlers get hold no token."""
    from django.core.servers import basehttp
    from django.utils.log import log_message

    keep = _Keep()
    basehttp.logger.addHandler(keep)
    try:
        for status, path in zip((302, 404, 400, 200), TOKEN_PATHS, strict=True):
            log_message(
                basehttp.logger, '"%s" %s %s', f"GET {path} HTTP/1.1", str(status), "0",
                request=None, status_code=status, server_time="07/Dec/2026 21:00:00",
            )  # fmt: skip
    finally:
        basehttp.logger.removeHandler(keep)
    assert len(keep.records) == len(TOKEN_PATHS)
    for record in keep.records:
        assert SECRET not in record.getMessage() and SECRET not in repr(record.args)
    assert '"GET /brands/invitations/[redacted]/ HTTP/1.1" 302 0' in keep.records[0].getMessage()


def test_the_log_filter_rewrites_the_record_itself():
    """No handler or formatter down the line can put the raw path back from the arguments."""
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        (f"GET /notifications/unsubscribe/{SECRET}/ HTTP/1.1", "302", "0"), None,
    )  # fmt: skip
    assert RedactTokensFilter().filter(record)
    assert SECRET not in record.getMessage() and SECRET not in repr(record.args)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_from_the_shipped_config_carries_no_token(tmp_path):
    db = settings.DATABASES["default"]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            if "postgresql" in db["ENGINE"]
            else f"sqlite:///{db['NAME']}"
        ),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "aux.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None, log.read_text()[-2000:]
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.1)
            for path in TOKEN_PATHS:
                _get(f"http://127.0.0.1:{port}{path}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    text = log.read_text()
    assert "/brands/invitations/" in text  # the access log is on, with the route
    assert SECRET not in text


def test_the_dockerfile_and_compose_start_gunicorn_with_the_config_file():
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        assert "gunicorn.conf.py" in text, name


def test_the_e_mailed_unsubscribe_link_moves_its_token_into_the_session(client, db):
    from aux.notifications import services
    from aux.notifications.models import Kind, NotificationPreference
    from tests.users.factories import UserFactory

    user = UserFactory()
    token = services.unsubscribe_token_make(user_id=user.pk, kind=Kind.OFFER_RECEIVED)
    response = client.get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:unsubscribe_page")
    page = client.get(response["Location"]).content.decode()
    assert "Stop these e-mails?" in page and token not in page
    assert not NotificationPreference.objects.exists()
    done = client.post(reverse("notifications:unsubscribe_page"))
    assert "Unsubscribed" in done.content.decode()
    assert NotificationPreference.objects.filter(user=user, kind=Kind.OFFER_RECEIVED).exists()
