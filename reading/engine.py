"""The OCR engine: RapidOCR (PP-OCRv4 Chinese models shipped inside the
rapidocr-onnxruntime wheel) on onnxruntime, on the CPU, with nothing fetched at run time.

The models take about a second to load and ~200 MB, so each process loads them once, on
first use (`engine()`), and keeps them. One intra-op thread per session: the worker on
the `ocr` queue gets one core; more threads fight the web and the other workers for the
same two cores and barely help a single small image.
"""

import ctypes
import ctypes.util
import io
import threading
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageStat

# Larger images are refused before decoding (a decompression bomb must not reach OCR).
MAX_PIXELS = 40_000_000
# RapidOCR shrinks the longest side to this before detection, and detection enlarges
# the shortest side to DET_MIN_SIDE. A 1170x2532 screenshot is read at 1344x621: its
# smallest text stays ~17 px tall, and the worker peaks ~200 MB lower than at 1600x739
# with the same accuracy on the labelled set (bench/README.md).
MAX_SIDE = 1344
DET_MIN_SIDE = 608
# Narrower than a line of text, or flatter than any text on a background: nothing to read.
MIN_SIDE = 16
FLAT_STDDEV = 1.0
# Each line is recognised alone (batch 1) and padded to at least 160 px wide, not 320:
# short lines ("复制", "¥0.00") are most of a screenshot, and padding them to the widest
# line of a batch doubled the recognition time (measured in bench/README.md).
REC_SHAPE = [3, 48, 160]

_lock = threading.Lock()
try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _libc.malloc_trim  # noqa: B018 (glibc only: elsewhere nothing is given back this way)
except (OSError, AttributeError):
    _libc = None
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
                _engine = _load()
    return _engine


def _load():
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession

    # onnxruntime keeps a memory plan per input shape, and every screenshot has its own
    # shape: without plans a worker peaks ~80 MB lower (bench/README.md). rapidocr
    # 1.4.4 has no option for it, so its session options are amended while it loads.
    library_options = OrtInferSession._init_sess_opts

    def options_without_memory_plans(config):
        options = library_options(config)
        options.enable_mem_pattern = False
        return options

    OrtInferSession._init_sess_opts = staticmethod(options_without_memory_plans)
    try:
        return RapidOCR(
            intra_op_num_threads=1,
            inter_op_num_threads=1,
            # Screenshots are upright: the 180° classifier only costs time.
            use_cls=False,
            max_side_len=MAX_SIDE,
            det_limit_side_len=DET_MIN_SIDE,
            rec_img_shape=REC_SHAPE,
            rec_batch_num=1,
        )
    finally:
        OrtInferSession._init_sess_opts = staticmethod(library_options)


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


def _give_back_memory():
    """Return the heap freed after a screenshot to the system. Every screenshot has its
    own size, so onnxruntime's buffers differ each time and glibc's heap only grows:
    without this a worker crept from ~550 to ~650 MB over a dozen screenshots."""
    if _libc is not None:
        _libc.malloc_trim(0)


def has_no_text(image: Image.Image) -> bool:
    """True for an image that cannot hold a line of text: too small, or one flat colour
    (detection would otherwise spend half a second on an upscaled blank)."""
    if min(image.size) < MIN_SIDE:
        return True
    small = image.convert("L").resize((64, 64))
    return ImageStat.Stat(small).stddev[0] < FLAT_STDDEV


def read_text(image: Image.Image) -> list[TextBox]:
    """The lines of text in `image`, top to bottom."""
    import numpy as np

    if has_no_text(image):
        return []

    # RapidOCR takes OpenCV's BGR order.
    pixels = np.asarray(image)[:, :, ::-1]
    try:
        result, _elapsed = engine()(pixels)
    finally:
        _give_back_memory()
    boxes = []
    for points, text, score in result or ():
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        box = (int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys))))
        boxes.append(TextBox(text=str(text), box=box, score=float(score)))
    return boxes
