import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from complaints.images import display_name, inspect_image, sanitise_image

from .imagegen import heic_with_gps, image_bytes, jpeg_with_gps


def _reasons(data):
    with pytest.raises(ValidationError) as caught:
        sanitise_image(data)
    return caught.value.code


def test_gps_and_camera_metadata_never_survive_into_the_stored_copy():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the input really has GPS

    clean = sanitise_image(original)

    stored = Image.open(io.BytesIO(clean.content))
    assert not stored.getexif()
    assert "exif" not in stored.info and "comment" not in stored.info
    assert b"SecretPhoneMaker" not in clean.content and b"shot at home" not in clean.content
    assert b"SecretPhoneMaker" not in clean.thumbnail


def test_sha256_is_of_the_bytes_as_uploaded():
    original = jpeg_with_gps()
    assert inspect_image(original).sha256 == hashlib.sha256(original).hexdigest()


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_each_accepted_format_keeps_its_type_and_gets_a_jpeg_thumbnail(fmt, content_type):
    clean = sanitise_image(image_bytes(fmt, size=(1200, 900)))
    assert clean.content_type == content_type
    assert Image.open(io.BytesIO(clean.content)).format == fmt
    thumb = Image.open(io.BytesIO(clean.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) <= 480
    assert (clean.width, clean.height) == (1200, 900)


class TestIphonePhotos:
    def test_a_heic_photo_is_accepted_from_its_header_and_will_be_served_as_jpeg(self):
        data = heic_with_gps(size=(96, 72))
        header = inspect_image(data)
        assert (header.content_type, header.extension, header.width, header.height) == ("image/jpeg", "jpg", 96, 72)
        assert header.sha256 == hashlib.sha256(data).hexdigest()

    def test_a_heic_photo_is_stored_as_a_jpeg_without_its_gps_and_camera_make(self):
        original = heic_with_gps(size=(96, 72))
        assert b"SecretPhoneMaker" in original  # the input really carries the metadata

        clean = sanitise_image(original)

        stored = Image.open(io.BytesIO(clean.content))
        assert (stored.format, clean.content_type, clean.extension) == ("JPEG", "image/jpeg", "jpg")
        assert stored.size == (96, 72) and not stored.getexif()
        assert b"SecretPhoneMaker" not in clean.content and b"SecretPhoneMaker" not in clean.thumbnail
        assert max(abs(a - b) for a, b in zip(stored.getpixel((48, 36)), (10, 120, 200), strict=True)) < 12

    def test_a_heic_over_the_pixel_limit_is_refused_from_its_header(self, settings):
        settings.EVIDENCE_MAX_PIXELS = 95 * 72
        with pytest.raises(ValidationError) as caught:
            inspect_image(heic_with_gps(size=(96, 72)))
        assert caught.value.code == "too_many_pixels"

    def test_a_truncated_heic_is_refused(self):
        data = heic_with_gps(size=(96, 72))
        assert _reasons(data[: len(data) // 2]) == "not_image"  # libheif refuses it at open


def test_an_empty_file_is_refused():
    assert _reasons(b"") == "empty"


def test_a_file_over_10_mb_is_refused_before_decoding(settings):
    assert _reasons(b"\x89PNG" + b"0" * settings.EVIDENCE_MAX_BYTES) == "too_large"


@pytest.mark.parametrize(
    "payload",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n1 0 obj<<>>endobj",
        b"PK\x03\x04" + b"\x00" * 40,
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
    ids=["html", "pdf", "zip", "svg"],
)
def test_non_images_are_refused_whatever_they_are_called(payload):
    assert _reasons(payload) == "not_image"


def test_a_gif_is_refused_as_not_an_accepted_format():
    assert _reasons(image_bytes("GIF")) == "not_image"


def test_a_truncated_image_is_refused_as_damaged():
    data = image_bytes("JPEG", size=(400, 400))
    assert _reasons(data[: len(data) // 2]) == "damaged"


def test_a_decompression_bomb_is_refused_by_its_header(settings):
    settings.EVIDENCE_MAX_PIXELS = 1_000_000
    assert _reasons(image_bytes("PNG", size=(2000, 2000), mode="L", color=0)) == "too_many_pixels"


def test_html_appended_to_an_image_is_dropped_by_reencoding():
    polyglot = image_bytes("PNG") + b"<script>alert('x')</script>"
    clean = sanitise_image(polyglot)
    assert b"<script>" not in clean.content


def test_cmyk_jpeg_is_stored_as_rgb():
    clean = sanitise_image(image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0)))
    assert Image.open(io.BytesIO(clean.content)).mode == "RGB"


def test_16_bit_png_is_scaled_to_8_bit_not_clipped():
    data = image_bytes("PNG", mode="I;16", color=32768)
    stored = Image.open(io.BytesIO(sanitise_image(data).content))
    assert stored.mode == "L"
    assert 120 <= stored.getpixel((0, 0)) <= 135


def test_animated_webp_keeps_only_the_first_frame():
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:], lossless=True)
    stored = Image.open(io.BytesIO(sanitise_image(out.getvalue()).content))
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.convert("RGB").getpixel((5, 5))[0] > 200


def test_exif_orientation_is_applied_before_the_tag_is_dropped():
    image = Image.new("RGB", (60, 30), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    clean = sanitise_image(out.getvalue())
    assert (clean.width, clean.height) == (30, 60)


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\截图.png", "截图.png"),
        ("bad\x00name.png", "badname.png"),
        ("a" * 300 + ".png", "a" * 100),
        ("", "image"),
    ],
)
def test_display_names_lose_folders_and_control_characters(raw, shown):
    assert display_name(raw) == shown
