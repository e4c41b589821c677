"""A real local SMTP server for tests (aiosmtpd on loopback) that keeps what it receives and can
refuse the first N deliveries with a temporary 4xx, like a busy mail server."""

import email
import socket
import threading
import time
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, refuse_first: int) -> None:
        self.refuse_first = refuse_first
        self.attempts = 0
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.refuse_first:
                return "451 4.3.0 Busy, try again later"
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 2.0.0 Accepted"


class SmtpSink:
    """`with SmtpSink(refuse_first=1) as smtp:` → smtp.port, smtp.messages, smtp.attempts."""

    def __init__(self, *, refuse_first: int = 0, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = _Handler(refuse_first)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    @property
    def attempts(self) -> int:
        return self.handler.attempts

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer(self) -> dict:
        """A MAILERS entry that sends to this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.05)
        return self.messages

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
