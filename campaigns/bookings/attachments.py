"""Files attached to booking messages and deliverable submissions: checked by content.

The name and the declared content type are whatever the client says, so neither decides
anything. Images go through aux.images (decoded by Pillow and re-encoded: no metadata, no
trailing payload); PDFs must start with the PDF magic bytes; anything else (an executable, HTML
or SVG renamed to .png or .pdf, an archive ...) is refused. Stored files get a random name and
are served only by bookings:attachment_download to the parties of the booking, as a download.

Contact-detail masking (campaigns.bookings.masking) applies to message text only, not to files:
we do not read text out of images or PDFs. What parties share as files is their own responsibility,
and files never leave the booking's parties.
"""

import uuid
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from aux.images import validate_and_resize_image

MAX_FILES = 5
MAX_NAME = 100
# Proof images are looked at closely (a screenshot of a post): keep more pixels than avatars.
MAX_IMAGE_SIDE = 2400
PDF_MAGIC = b"%PDF-"
IMAGE_TYPES = {"jpg": "image/jpeg", "webp": "image/webp"}


def max_attachment_bytes() -> int:
    return settings.AUX_MAX_ATTACHMENT_BYTES


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def clean_name(name: str, *, ext: str) -> str:
    """A safe display name ending in `ext`: path parts dropped, odd characters replaced, capped."""
    stem = PurePath((name or "").replace("\\", "/")).stem
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # nothing usable left ("", "." or "..")
        stem = "attachment"
    stem = stem[: MAX_NAME - len(ext) - 1].strip("._-") or "attachment"
    return f"{stem}.{ext}"


def _head(uploaded_file, n: int) -> bytes:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(n)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return data


def _pdf(uploaded_file, limit: int) -> ContentFile:
    size = getattr(uploaded_file, "size", None)
    too_large = ValidationError(
        _("The file is too large; the limit is %(limit)s.") % {"limit": _mb(limit)},
        code="file_too_large",
    )
    if size is not None and size > limit:
        raise too_large
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)  # a file that lied about its size is still caught
    if len(data) > limit:
        raise too_large
    return ContentFile(data)


def attachment_validate(uploaded_file) -> tuple[ContentFile, str, str]:
    """Check one uploaded file by its content; return (content_file, content_type, name).

    Guarantees: the content file is either an image re-encoded by aux.images (JPEG or WebP, no
    metadata) or a PDF whose bytes start with %PDF-, at most AUX_MAX_ATTACHMENT_BYTES long; its
    storage name is random. `name` is the sanitised original name with the stored type's
    extension. Anything else raises ValidationError with a message naming the file.
    """
    original = getattr(uploaded_file, "name", "") or "attachment"
    shown = clean_name(original, ext=PurePath(original).suffix.lstrip(".")[:8] or "file")
    limit = max_attachment_bytes()
    refused = ValidationError(
        _("%(name)s: only images (JPEG, PNG, WebP, GIF) and PDF files can be attached.")
        % {"name": shown},
        code="file_type",
    )
    head = _head(uploaded_file, 1024)
    if not head:
        raise ValidationError(_("%(name)s: the file is empty.") % {"name": shown}, code="empty")

    def named(exc: ValidationError) -> ValidationError:
        return ValidationError(f"{shown}: {' '.join(exc.messages)}", code=exc.code)

    if head.startswith(PDF_MAGIC):
        try:
            content = _pdf(uploaded_file, limit)
        except ValidationError as exc:
            raise named(exc) from exc
        content_type, ext = "application/pdf", "pdf"
    else:
        try:
            content = validate_and_resize_image(
                uploaded_file, max_bytes=limit, max_side=MAX_IMAGE_SIDE
            )
        except ValidationError as exc:
            if exc.code == "invalid_image":
                raise refused from exc
            raise named(exc) from exc
        ext = PurePath(content.name).suffix.lstrip(".")
        content_type = IMAGE_TYPES[ext]
    content.name = f"{uuid.uuid4().hex}.{ext}"
    return content, content_type, clean_name(original, ext=ext)


def attachments_validate(files: Sequence | Iterable | None) -> list[tuple[ContentFile, str, str]]:
    """Check a message's or a submission's files: at most MAX_FILES, each by attachment_validate.

    Raises ValidationError({"attachments": [...]}) naming every refused file.
    """
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"attachments": _("At most %(n)d files at a time.") % {"n": MAX_FILES}}
        )
    out, errors = [], []
    for uploaded in files:
        try:
            out.append(attachment_validate(uploaded))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return out
