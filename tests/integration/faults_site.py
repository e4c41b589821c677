"""The site served by a real gunicorn process with chosen DATABASE_URL / REDIS_URL, for the fault
tests (a Redis outage or a PostgreSQL restart must be seen by a server, not by the test client)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(*, database_url: str, redis_url: str, log: Path, **env_extra: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, **env_extra}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "aux.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def call(
    base: str,
    path: str,
    *,
    method: str = "GET",
    data: dict | None = None,
    headers: dict | None = None,
    timeout: float = 30,
) -> tuple[int, str, float]:
    """(status, body, seconds) of one HTTP request; error statuses are returned, not raised."""
    body = json.dumps(data).encode() if data is not None else None
    headers = {**({"Content-Type": "application/json"} if body else {}), **(headers or {})}
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 (loopback)
            return r.status, r.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), time.monotonic() - started
