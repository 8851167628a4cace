"""Copies of evidence for people outside Tousu, blurred by allow-list.

Pure image work. `blur_except` blurs the whole image and pastes back only the boxes that
reading.allowlist let through (order number, amounts, dates, status, shop, the platform's
labels), so text OCR did not classify, or did not even find, never stays readable.
`blur_boxes` pixelates and blurs given boxes. Which copy goes to whom is decided by
reading.sharing.shared_copy; the sanitised file stays as it is.
"""

import io

from PIL import Image, ImageFilter

# Formats we store (complaints.images.ALLOWED_FORMATS) -> how a blurred copy is saved.
_SAVE_AS = {
    "image/jpeg": ("JPEG", {"quality": 90}),
    "image/png": ("PNG", {}),
    "image/webp": ("WEBP", {"quality": 90}),
}
# OCR boxes hug the glyphs; a few pixels more keep the edges of the digits covered too.
PAD = 4
# Pixel blocks ~ a third of the text height: no digit survives in one block.
BLOCKS_PER_HEIGHT = 3
# A box over everything (clamped to the image): for an image whose reading failed, so no
# box is known, the whole copy is blurred rather than sent clear.
WHOLE_IMAGE = (0, 0, 10**6, 10**6)


def blur_boxes(image: Image.Image, boxes) -> Image.Image:
    """A copy of `image` with each (x0, y0, x1, y1) box pixelated and blurred;
    everything outside the boxes is left exactly as it was."""
    copy = image.copy()
    for box in boxes:
        x0, y0 = max(0, int(box[0]) - PAD), max(0, int(box[1]) - PAD)
        x1, y1 = min(copy.width, int(box[2]) + PAD), min(copy.height, int(box[3]) + PAD)
        if x1 <= x0 or y1 <= y0:
            continue
        region = copy.crop((x0, y0, x1, y1))
        block = max(1, (y1 - y0) // BLOCKS_PER_HEIGHT)
        small = region.resize((max(1, (x1 - x0) // block), max(1, (y1 - y0) // block)), Image.Resampling.BOX)
        pixelated = small.resize(region.size, Image.Resampling.NEAREST)
        copy.paste(pixelated.filter(ImageFilter.GaussianBlur(radius=max(2, block // 2))), (x0, y0))
    return copy


# Pixel blocks over the rest of the image: about the height of a line of small text on a
# 390-pt-wide phone, so no glyph survives, while the layout (cards, colours) still shows.
BACKGROUND_BLOCKS_PER_WIDTH = 60


def blur_except(image: Image.Image, clear_boxes) -> Image.Image:
    """A copy of `image` pixelated and blurred everywhere except the `clear_boxes`
    (x0, y0, x1, y1), which keep their pixels exactly."""
    rgb = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    block = max(4, rgb.width // BACKGROUND_BLOCKS_PER_WIDTH)
    small = rgb.resize((max(1, rgb.width // block), max(1, rgb.height // block)), Image.Resampling.BOX)
    copy = small.resize(rgb.size, Image.Resampling.NEAREST).filter(ImageFilter.GaussianBlur(radius=block // 2))
    for box in clear_boxes:
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        x1, y1 = min(rgb.width, int(box[2])), min(rgb.height, int(box[3]))
        if x1 > x0 and y1 > y0:
            copy.paste(rgb.crop((x0, y0, x1, y1)), (x0, y0))
    return copy


def _encode(image: Image.Image, content_type: str) -> bytes:
    fmt, options = _SAVE_AS[content_type]
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def blurred_except_bytes(data: bytes, content_type: str, clear_boxes) -> bytes | None:
    """`data` (a sanitised image) blurred except `clear_boxes`, in the same format; a
    blank image when `data` cannot be decoded (an export never breaks on it, and nothing
    is sent clear); None for a format we do not store."""
    if content_type not in _SAVE_AS:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _encode(blur_except(image, clear_boxes), content_type)
    except Exception:  # Pillow raises many kinds: a file it cannot decode goes out as a blank
        return _encode(Image.new("RGB", (1, 1), (128, 128, 128)), content_type)


def blurred_bytes(data: bytes, content_type: str, boxes) -> bytes:
    """`data` (a sanitised image) with `boxes` blurred, in the same format; `data`
    itself when there is nothing to blur."""
    if not boxes or content_type not in _SAVE_AS:
        return data
    fmt, options = _SAVE_AS[content_type]
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        blurred = blur_boxes(image, boxes)
    out = io.BytesIO()
    blurred.save(out, format=fmt, **options)
    return out.getvalue()
