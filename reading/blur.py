"""Copies of evidence for people outside Tousu, with the personal-data boxes blurred.

Pure image work: each box found by reading.extract.personal_data is pixelated and then
blurred, so neither a phone number nor a name can be read back from it. Which copy goes
to whom is decided by reading.sharing.shared_copy; the sanitised file stays as it is.
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
