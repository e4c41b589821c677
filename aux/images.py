"""Uploaded images (artist photos, brand logos): checked by their content, never trusted as sent.

The extension and the declared content type are whatever the client says, so we ask Pillow what
the bytes really are, refuse anything that is not a still image of a known format (or that would
decompress into an enormous bitmap), and re-encode the pixels: the stored file is one we wrote,
with no EXIF/GPS or other metadata and no trailing payload from the original.
"""

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats we accept as input; anything else (SVG, PDF, PSD, ICO ...) is refused.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Pixels we are willing to decode: far above any photo, far below a decompression bomb.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 800


def _human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _read_limited(uploaded_file, max_bytes: int) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s); the limit is %(limit)s.")
            % {"size": _human_size(size), "limit": _human_size(max_bytes)},
            code="file_too_large",
        )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    # Read one byte more than allowed: a file that lied about its size is still caught.
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The image is too large; the limit is %(limit)s.")
            % {"limit": _human_size(max_bytes)},
            code="file_too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def validate_and_resize_image(
    uploaded_file,
    *,
    max_bytes: int | None = None,
    max_side: int = DEFAULT_MAX_SIDE,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ContentFile:
    """Check that `uploaded_file` is a real image and return a clean, resized re-encoding of it.

    Guarantees: the result is a JPEG (opaque images) or WebP (images with transparency) that fits
    in `max_side`×`max_side`, carries no metadata, and came from an image of an accepted format,
    at most `max_bytes` long (default settings.AUX_MAX_IMAGE_BYTES) and at most `max_pixels`
    pixels. Anything else raises django.core.exceptions.ValidationError with a clear message.
    """
    if max_bytes is None:
        max_bytes = settings.AUX_MAX_IMAGE_BYTES
    data = _read_limited(uploaded_file, max_bytes)
    not_an_image = ValidationError(
        _("Upload a valid image (JPEG, PNG, WebP or GIF); this file is not one."),
        code="invalid_image",
    )
    too_many_pixels = ValidationError(
        _("The image has too many pixels to process; upload a smaller one."),
        code="image_too_large",
    )

    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # First pass: identify and verify the structure without decoding the pixels.
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width < 1 or height < 1:
                    raise not_an_image
                if width * height > max_pixels:
                    raise too_many_pixels
                probe.verify()
            # verify() leaves the image unusable: reopen to decode the pixels.
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)  # animated GIF/WebP: the first frame only
                image.load()
                image = ImageOps.exif_transpose(image)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise not_an_image from exc

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)

    # A new image from the pixels only: no EXIF, ICC, XMP, comments or trailing bytes survive.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="WEBP", quality=85, method=4)
        ext = "webp"
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    stem = slugify(PurePath(getattr(uploaded_file, "name", "") or "image").stem)[:40] or "image"
    return ContentFile(out.getvalue(), name=f"{stem}.{ext}")
