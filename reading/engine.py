"""The OCR engine: RapidOCR (PP-OCRv4 Chinese models shipped inside the
rapidocr-onnxruntime wheel) on onnxruntime, on the CPU, with nothing fetched at run time.

The models take about a second to load and ~200 MB, so each process loads them once, on
first use (`engine()`), and keeps them. One intra-op thread per session: the worker on
the `ocr` queue gets one core; more threads fight the web and the other workers for the
same two cores and barely help a single small image.
"""

import io
import threading
from dataclasses import dataclass

from PIL import Image, ImageOps

# Larger images are refused before decoding (a decompression bomb must not reach OCR).
MAX_PIXELS = 40_000_000
# RapidOCR shrinks the longest side to this before detection; phone screenshots are
# ~2500 px tall, and the smallest text of a 1170-wide screen stays ~20 px tall at 1600.
MAX_SIDE = 1600
# Each line is recognised alone (batch 1) and padded to at least 160 px wide, not 320:
# short lines ("复制", "¥0.00") are most of a screenshot, and padding them to the widest
# line of a batch doubled the recognition time (measured in bench/README.md).
REC_SHAPE = [3, 48, 160]

_lock = threading.Lock()
_engine = None


@dataclass(frozen=True)
class TextBox:
    """One line of text that OCR found: its axis-aligned box in the image's pixels."""

    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    score: float


def engine():
    """The process's RapidOCR instance, loaded on first use."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR(
                    intra_op_num_threads=1,
                    inter_op_num_threads=1,
                    # Screenshots are upright: the 180° classifier only costs time.
                    use_cls=False,
                    max_side_len=MAX_SIDE,
                    rec_img_shape=REC_SHAPE,
                    rec_batch_num=1,
                )
    return _engine


def decode(data: bytes) -> Image.Image | None:
    """The image as RGB, or None when it is not one we can read (not an image, corrupt,
    truncated or too large)."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            return None
        image = ImageOps.exif_transpose(image)
        return image.convert("RGB")
    except Exception:  # Pillow raises many kinds for bad input; all mean "nothing to read"
        return None


def read_text(image: Image.Image) -> list[TextBox]:
    """The lines of text in `image`, top to bottom."""
    import numpy as np

    # RapidOCR takes OpenCV's BGR order.
    pixels = np.asarray(image)[:, :, ::-1]
    result, _elapsed = engine()(pixels)
    boxes = []
    for points, text, score in result or ():
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        box = (int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys))))
        boxes.append(TextBox(text=str(text), box=box, score=float(score)))
    return boxes
