"""Evidence images: decide by content what a file is, and keep only a clean copy.

Two pure steps (bytes in, values out), neither trusting the file name or the
browser's content type:

- `inspect_image` runs while the consumer waits: it reads only the header (and a
  PNG's checksums), so it costs well under a millisecond, and refuses anything
  that is not a JPEG, PNG, WebP or HEIC/HEIF image within the size and pixel limits.
- `sanitise_image` runs in a Celery task (complaints.tasks.process_evidence): it
  decodes the whole image, refusing truncated or corrupt files, and re-encodes the
  pixels into a new file so no metadata (EXIF GPS above all) survives. iPhone
  photos (HEIC/HEIF) are stored as JPEG, which every browser can show.

Every refusal is one of REFUSALS, so a reason found later by the task can be shown
to the consumer in their language just like one found at upload.
"""

import contextlib
import hashlib
import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# iPhones take HEIC photos, and send them as such from a computer or some apps.
# pillow-heif teaches Pillow to read them (by content: the ISO-BMFF `ftyp` brand);
# thumbnails and depth maps inside the file are never decoded, as we store none.
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# Pillow format name of an accepted upload -> the format we store its clean copy in.
STORED_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "JPEG"}
# Stored format -> (content type we serve, file extension we store).
SERVED_AS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


# Why an image was refused: code -> message. Messages that name a limit take it from
# settings when they are shown.
REFUSALS = {
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than %(limit)s MB."),
    "not_image": _("This is not a JPEG, PNG, WebP or HEIC image."),
    "too_many_pixels": _("The image has too many pixels (at most %(megapixels)s million)."),
    "damaged": _("The image is damaged or incomplete."),
    "webp_too_many_pixels": _("A WebP image may have at most %(webp_megapixels)s million pixels."),
}


def refusal(code: str) -> ValidationError:
    params = {
        "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "megapixels": settings.EVIDENCE_MAX_PIXELS // 1_000_000,
        "webp_megapixels": settings.EVIDENCE_MAX_WEBP_PIXELS // 1_000_000,
    }
    return ValidationError(REFUSALS[code], code=code, params=params)


def refusal_message(code: str) -> str:
    return refusal(code).messages[0]


@dataclass(frozen=True)
class ImageHeader:
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str  # of the bytes as uploaded, so the consumer can prove what they sent


def inspect_image(data: bytes) -> ImageHeader:
    """The cheap checks, from the header alone: not empty, within the byte limit, a
    JPEG, PNG, WebP or HEIC/HEIF by content, within the pixel limit. A PNG's chunk checksums are
    verified too (no decompression), which catches a truncated screenshot at once."""
    image = _open_checked(data)
    if image.format == "PNG":
        try:
            image.verify()
        except Exception:  # Pillow raises SyntaxError, OSError, struct.error ... for a bad PNG
            raise refusal("damaged")
    content_type, extension = SERVED_AS[STORED_FORMAT[image.format or ""]]
    width, height = image.size
    return ImageHeader(content_type, extension, width, height, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def sanitise_image(data: bytes) -> CleanImage:
    """Verify, re-encode and thumbnail one uploaded image.

    1-3. The checks of `inspect_image`: empty or oversized input, formats other
       than JPEG, PNG, WebP, HEIC/HEIF, images over the pixel limit (decompression bombs).
    4. Decode fully, so truncated or corrupt files are refused, not half-stored.
       Images larger than EVIDENCE_MAX_EDGE on their long edge are scaled down;
       JPEGs are decoded at 1/2, 1/4 or 1/8 scale straight from the DCT (draft
       mode), which makes a 12-megapixel photo several times cheaper to decode.
    5. Apply the EXIF orientation, then copy the pixels into a fresh image
       that carries no metadata, and encode it in the same format (HEIC/HEIF as JPEG).
    6. Make a JPEG thumbnail from the clean copy.
    """
    image = _open_checked(data)
    pixels = _decode(image)
    fmt = STORED_FORMAT[image.format or ""]
    content_type, extension = SERVED_AS[fmt]
    clean = _encode(pixels, fmt)
    return CleanImage(
        content=clean,
        content_type=content_type,
        extension=extension,
        width=pixels.width,
        height=pixels.height,
        thumbnail=_thumbnail(pixels),
    )


def _open_checked(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse before any pixel is decoded."""
    if not data:
        raise refusal("empty")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise refusal("too_large")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise refusal("too_many_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refusal("not_image")
    if image.format not in STORED_FORMAT:
        raise refusal("not_image")
    width, height = image.size
    if width * height > settings.EVIDENCE_MAX_PIXELS:
        raise refusal("too_many_pixels")
    if image.format == "WEBP" and width * height > settings.EVIDENCE_MAX_WEBP_PIXELS:
        raise refusal("webp_too_many_pixels")
    return image


def _decode(image: Image.Image) -> Image.Image:
    """Decode the first frame, no larger than EVIDENCE_MAX_EDGE, in a mode its format can store."""
    box = _fit(image.size, settings.EVIDENCE_MAX_EDGE)
    try:
        image.seek(0)  # animated WebP: the first frame is the evidence
        if image.format == "JPEG" and box != image.size:
            image.draft(image.mode if image.mode in ("RGB", "L") else None, box)
        image.load()
        if max(image.size) > settings.EVIDENCE_MAX_EDGE:
            image = image.resize(
                _fit(image.size, settings.EVIDENCE_MAX_EDGE), Image.Resampling.BILINEAR, reducing_gap=2.0
            )
        # An unreadable orientation tag is ignored: the pixels are kept as stored.
        with contextlib.suppress(ValueError, TypeError, SyntaxError, KeyError):
            image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, EOFError):
        raise refusal("damaged")
    return _normalise_mode(image)


def _fit(size: tuple[int, int], max_edge: int) -> tuple[int, int]:
    """The size that fits `size` within a max_edge square, never larger than it was."""
    width, height = size
    scale = max_edge / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _normalise_mode(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale down to 8 bits instead of clipping to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "P" or mode == "PA":
        return image.convert("RGBA" if "transparency" in image.info or mode == "PA" else "RGB")
    if mode in ("RGB", "RGBA", "L", "LA"):
        return image
    return image.convert("RGB")  # CMYK, YCbCr, LAB, F, 1 ...


def _fresh_copy(image: Image.Image) -> Image.Image:
    """A new image with the same pixels and an empty info dict: no EXIF, XMP, ICC or text."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image, fmt: str) -> bytes:
    clean = _fresh_copy(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L"):
            clean = _flatten(clean)
        clean.save(out, format="JPEG", quality=88)
    elif fmt == "PNG":
        # Screenshots are large flat PNGs: a low zlib level is several times faster
        # than the default for a few percent more bytes.
        clean.save(out, format="PNG", compress_level=3)
    else:
        if clean.mode not in ("RGB", "RGBA"):
            clean = clean.convert("RGBA" if "A" in clean.mode else "RGB")
        clean.save(out, format="WEBP", quality=85, method=2)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Put any transparency on white, for formats without an alpha channel."""
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _thumbnail(image: Image.Image) -> bytes:
    thumb = _flatten(image) if image.mode not in ("RGB", "L") else image.copy()
    thumb.thumbnail(settings.EVIDENCE_THUMBNAIL_SIZE, Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    _fresh_copy(thumb).save(out, format="JPEG", quality=80)
    return out.getvalue()


def display_name(raw_name: str) -> str:
    """A file name fit to show back to its owner: no folders, control characters or
    NUL, at most 100 characters. We never store a file under this name."""
    name = (raw_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "image"
    return name[:100]
