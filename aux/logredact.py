"""Keep secret tokens out of the access logs we write.

E-mailed links carry a token in their path (brand invitations, one-click unsubscribe, allauth's
e-mail confirmation and password-reset keys). Their views move it into the session and redirect
at once, but the first request line still holds it: `redact` replaces it with "[redacted]" in
Django's `django.server` log (the `RedactTokensFilter` in settings.LOGGING) and in gunicorn's
access log (`RedactingGunicornLogger`, named in gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re

# A path segment that follows one of these prefixes is a secret.
_TOKEN_PATH = re.compile(
    r"(/(?:brands/invitations|notifications/unsubscribe|accounts/confirm-email"
    r"|accounts/password/reset/key)/)([^/?#\s\"']+)"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the token of every token-carrying path replaced by [redacted]."""
    if not isinstance(text, str) or "/" not in text:
        return text
    return _TOKEN_PATH.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Rewrites a record's message with tokens redacted (for `django.server`'s request lines).

    The message is rendered once and the arguments dropped, so no handler or formatter down the
    line can put the raw path back.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # django.server passes the request object along (extra={"request": ...}).
        request = getattr(record, "request", None)
        if (
            request is not None
            and hasattr(request, "path")
            and redact(request.path) != (request.path)
        ):
            record.request = None
        return True
