"""aux/images.py: uploads are checked by their content, resized, stripped and re-encoded."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aux.images import validate_and_resize_image


def image_bytes(fmt: str = "JPEG", size=(1600, 1200), mode="RGB", **save) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (200, 30, 90) if mode == "RGB" else (200, 30, 90, 120)).save(
        buf, format=fmt, **save
    )
    return buf.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_large_jpeg_is_resized_to_fit_max_side_and_reencoded_as_jpeg():
    out = validate_and_resize_image(upload(image_bytes()), max_side=800)
    with Image.open(io.BytesIO(out.read())) as img:
        assert img.format == "JPEG"
        assert max(img.size) == 800 and img.size == (800, 600)
    assert out.name == "photo.jpg"


def test_a_transparent_png_keeps_its_alpha_as_webp():
    data = image_bytes("PNG", size=(300, 200), mode="RGBA")
    out = validate_and_resize_image(upload(data, "logo.png", "image/png"))
    with Image.open(io.BytesIO(out.read())) as img:
        assert img.format == "WEBP" and img.mode == "RGBA"
        assert img.size == (300, 200)  # smaller than max_side: not enlarged
    assert out.name == "logo.webp"


def test_exif_metadata_such_as_gps_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}  # GPS IFD
    data = image_bytes(size=(400, 300), exif=exif.tobytes())
    assert b"SecretCam" in data
    out = validate_and_resize_image(upload(data)).read()
    assert b"SecretCam" not in out
    with Image.open(io.BytesIO(out)) as img:
        assert not img.getexif()


def test_trailing_bytes_after_the_image_do_not_survive():
    data = image_bytes(size=(50, 50)) + b"<?php system($_GET['c']); ?>"
    out = validate_and_resize_image(upload(data)).read()
    assert b"<?php" not in out


def test_a_text_file_named_jpg_with_an_image_content_type_is_refused():
    with pytest.raises(ValidationError, match="not one") as exc:
        validate_and_resize_image(upload(b"<script>alert(1)</script>" * 10))
    assert exc.value.code == "invalid_image"


def test_a_truncated_image_is_refused():
    data = image_bytes("PNG", size=(400, 400))
    with pytest.raises(ValidationError) as exc:
        validate_and_resize_image(upload(data[: len(data) // 2], "x.png", "image/png"))
    assert exc.value.code == "invalid_image"


def test_an_image_format_outside_the_allow_list_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_and_resize_image(upload(image_bytes("BMP", size=(20, 20)), "x.bmp"))
    assert exc.value.code == "invalid_image"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_and_resize_image(upload(b""))


def test_a_file_over_the_byte_limit_is_refused_before_decoding():
    data = image_bytes(size=(400, 400))
    with pytest.raises(ValidationError, match="too large") as exc:
        validate_and_resize_image(upload(data), max_bytes=len(data) - 1)
    assert exc.value.code == "file_too_large"


def test_the_byte_limit_defaults_to_the_setting(settings):
    settings.AUX_MAX_IMAGE_BYTES = 1000
    with pytest.raises(ValidationError, match="too large"):
        validate_and_resize_image(upload(image_bytes(size=(400, 400))))


def test_a_decompression_bomb_is_refused_without_decoding_its_pixels():
    # A 17 KB PNG that claims 12000×12000 pixels (144 MP) once decoded.
    buf = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buf, format="PNG", optimize=True)
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="too many pixels") as exc:
        validate_and_resize_image(upload(buf.getvalue(), "bomb.png", "image/png"))
    assert exc.value.code == "image_too_large"


def test_a_file_that_lies_about_its_size_is_still_caught():
    class Liar(io.BytesIO):
        size = 10
        name = "x.jpg"

    data = image_bytes(size=(400, 400))
    with pytest.raises(ValidationError, match="too large"):
        validate_and_resize_image(Liar(data), max_bytes=len(data) - 1)
