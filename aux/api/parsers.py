"""Request body parsers of the API (DRF's, stricter where they would read junk as nothing)."""

import io
import re

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Bodies up to this size are checked whole before parsing; junk is never larger in practice,
# and real uploads (bigger) stream through unread.
CHECKED_BODY_SIZE = 64 * 1024


def _boundary(media_type: str) -> bytes:
    for param in (media_type or "").split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary":
            return value.strip().strip('"').encode("latin-1", "replace")
    return b""


def _is_junk(body: bytes, boundary: bytes) -> bool:
    """Text before the first part, or a part with no Content-Disposition header."""
    pieces = body.split(b"--" + boundary)
    if len(pieces) < 2 or pieces[0].strip():
        return True
    for part in pieces[1:]:
        if part.startswith(b"--"):  # the closing delimiter: the rest is the epilogue
            return False
        headers = part.lstrip(b" \t").removeprefix(b"\r\n").split(b"\r\n\r\n", 1)[0]
        if not re.search(rb"(?im)^content-disposition:", headers):
            return True
    return False


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing (400) a body that is not a form.

    Django skips text before the first part and any part without a name silently, so a body
    with only such junk read as an empty form, and an update with nothing in it "succeeded".
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        boundary = _boundary(media_type)
        if stream is not None and boundary and 0 < length <= CHECKED_BODY_SIZE:
            body = stream.read()
            if _is_junk(body, boundary):
                raise ParseError(gettext("Multipart form parse error - this body is not a form."))
            stream = io.BytesIO(body)
        return super().parse(stream, media_type, parser_context)
