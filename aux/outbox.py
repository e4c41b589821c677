"""The demo's outbox: e-mails written as .eml files in a folder instead of printed.

`make run` sets AUX_MAIL_OUTBOX=var/mail, so the terminal stays quiet and every e-mail the demo
sends (confirmations, offers, reminders, digests) lands there, one standard .eml file each (any
mail client opens it). Staff read them in the browser at /staff/outbox/, newest first, per
recipient, with the text part and a link to the HTML part.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from uuid import uuid4

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

NAME = re.compile(r"^[0-9]{8}-[0-9]{12}-[0-9a-f]{8}\.eml$")  # what send_messages writes


class OutboxBackend(BaseEmailBackend):
    """Writes each message to `directory` as <UTC time>-<random>.eml; sends nothing."""

    def __init__(self, *args, directory: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(directory)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S%f}-{uuid4().hex[:8]}.eml"
            (self.directory / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    to: list[str]
    subject: str
    sent: datetime | None
    text: str
    html: str


def _read(path: Path) -> OutboxMessage:
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return OutboxMessage(
        name=path.name,
        to=[addr for _name, addr in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))],
        subject=str(msg.get("Subject", "")),
        sent=parsedate_to_datetime(msg["Date"]) if msg["Date"] else None,
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
    )


def outbox_messages(
    directory: Path, *, recipient: str = "", limit: int = 200
) -> list[OutboxMessage]:
    """The newest `limit` messages (to `recipient` when given, case-insensitive)."""
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.eml"), reverse=True):
        if not NAME.match(path.name):
            continue
        message = _read(path)
        if recipient and recipient.lower() not in (a.lower() for a in message.to):
            continue
        found.append(message)
        if len(found) == limit:
            break
    return found


def outbox_message(directory: Path, name: str) -> OutboxMessage | None:
    """One message by its file name (only names the backend writes: no path tricks)."""
    path = directory / name
    return _read(path) if NAME.match(name) and path.is_file() else None


def outbox_recipients(directory: Path) -> list[str]:
    """Everyone the outbox holds mail for, sorted."""
    return sorted({a.lower() for m in outbox_messages(directory, limit=10_000) for a in m.to})
