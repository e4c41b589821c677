"""The fake Stripe for tests: payments.devstripe on loopback, one per test session.

`scripts/test.sh` starts one and exports AUX_TEST_STRIPE_API_BASE (and STRIPE_API_BASE, so the
Celery worker of the integration tests inherits it); without it the `stripe_api` fixture starts
its own on a free port.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/js.stripe.com/v3/", timeout=0.5) as r:  # noqa: S310
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session", name="stripe_api")
def stripe_api_fixture():
    """The base URL of a running fake Stripe; settings and os.environ point at it."""
    from django.conf import settings

    base = os.environ.get("AUX_TEST_STRIPE_API_BASE", "")
    proc = None
    if not base or not _answers(base):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "payments.devstripe", "--port", str(port), "--quiet"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while not _answers(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("payments.devstripe did not start")
            time.sleep(0.05)
    previous = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = base
    os.environ["STRIPE_API_BASE"] = base
    yield base
    settings.STRIPE_API_BASE = previous
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)


def onboarding_complete(url: str) -> None:
    """What the artist does on the (fake) Stripe onboarding page: submit it."""
    request = urllib.request.Request(url.split("?")[0], data=b"", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as r:  # noqa: S310
        assert r.status == 200


def stripe_post(base: str, path: str, data: dict) -> None:
    """Configure the fake Stripe (e.g. inject faults) through its /_config/ endpoints."""
    body = "&".join(f"{k}={v}" for k, v in data.items()).encode()
    request = urllib.request.Request(base + path, data=body)  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310
        pass
