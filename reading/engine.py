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
# What one image may cost, whatever its shape (issue 21, part 2). RapidOCR shrinks the
# long side to MAX_SIDE and then enlarges the short side to DET_MIN_SIDE: on a thin or
# tall image (24x2000, or a long screenshot the images worker scaled to 117x2000) that
# made a detection input of 51072x608 or 608x10400 and a worker of 1.2-2.5 GB. So no
# image reaches RapidOCR flatter than MAX_ASPECT: a longer one is read in tiles of
# TILE_ASPECT with TILE_OVERLAP of the short side in common (more than a line of text, so
# every line lies whole in one tile), at most MAX_TILES of them from the top (the order
# facts sit at the top of a long screenshot). Each detection input is then at most about
# DET_MIN_SIDE x DET_MIN_SIDE * MAX_ASPECT or MAX_SIDE square (`detection_size`).
MAX_ASPECT = 2.4
TILE_ASPECT = 2.2
TILE_OVERLAP = 0.2
MAX_TILES = 8
# Recognition costs in proportion to the width of the lines at 48 px high: a page all of
# text (49 megapixels scaled to 2000x2000) took 16-75 s. An order page recognises about
# 25,000 px of line; lines past REC_BUDGET (top to bottom) are not recognised.
REC_BUDGET = 60_000
# An image wider than SQUARE_SIDE on both sides (a 2000x2000 page of text) is read in
# bands of half its width: detection at 1344x1344 took the worker past 700 MB.
SQUARE_SIDE = 1200

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
        ocr = RapidOCR(
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
    library_detect = ocr.auto_text_det

    def detect_within_budget(image):
        # rapidocr 1.4.4 recognises every line it detects: keep the first lines (sorted
        # top to bottom) up to REC_BUDGET of recognition width.
        boxes, elapsed = library_detect(image)
        return (_within_budget(boxes) if boxes is not None else None), elapsed

    ocr.auto_text_det = detect_within_budget
    return ocr


_budget_left = [REC_BUDGET]  # per image, across its tiles (read_text resets it)


def _within_budget(boxes):
    kept, spent = [], REC_BUDGET - _budget_left[0]
    for points in boxes:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        width, height = max(xs) - min(xs), max(max(ys) - min(ys), 1)
        spent += REC_SHAPE[1] * width / height
        if spent > REC_BUDGET and kept:
            break
        kept.append(points)
    _budget_left[0] = REC_BUDGET - spent
    return kept


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


class ReadFailed(Exception):
    """RapidOCR raised on an image: the reading is recorded as failed, never retried."""


def tiles(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The boxes (x0, y0, x1, y1) `read_text` reads of a width x height image, each of
    aspect ratio at most MAX_ASPECT, along its long side from the start, overlapping by
    TILE_OVERLAP of the short side; at most MAX_TILES."""
    short, long = min(width, height), max(width, height)
    if short > SQUARE_SIDE and long <= MAX_ASPECT * short:
        # Bands across the height, each of aspect 2, overlapping by a fifth of a band.
        band = width // 2
        starts = list(range(0, max(1, height - band), band - band // 5)) + [max(0, height - band)]
        return [(0, y0, width, min(y0 + band, height)) for y0 in dict.fromkeys(starts)][:MAX_TILES]
    if long <= MAX_ASPECT * short:
        return [(0, 0, width, height)]
    length = max(1, int(TILE_ASPECT * short))
    step = max(1, length - int(TILE_OVERLAP * short))
    spans = []
    start = 0
    while len(spans) < MAX_TILES:
        end = min(start + length, long)
        spans.append((start, end))
        if end >= long:
            break
        start += step
    if height >= width:
        return [(0, y0, width, y1) for y0, y1 in spans]
    return [(x0, 0, x1, height) for x0, x1 in spans]


def detection_size(width: int, height: int) -> tuple[int, int]:
    """The size RapidOCR (as loaded by `_load`) detects text at for one tile of
    width x height: the long side shrunk to MAX_SIDE, then the short side enlarged to
    DET_MIN_SIDE. For tiles of `tiles` it stays within DET_MIN_SIDE x MAX_ASPECT."""
    scale = min(1.0, MAX_SIDE / max(width, height))
    width, height = max(1, int(width * scale)), max(1, int(height * scale))
    if min(width, height) < 30:  # rapidocr's own min_side_len
        grow = 30 / min(width, height)
        width, height = int(width * grow), int(height * grow)
    grow = max(1.0, DET_MIN_SIDE / min(width, height))
    return int(width * grow), int(height * grow)


def read_text(image: Image.Image) -> list[TextBox]:
    """The lines of text in `image`, top to bottom (tile by tile for a long image).
    Raises ReadFailed when RapidOCR raises."""
    import numpy as np

    if has_no_text(image):
        return []

    # RapidOCR takes OpenCV's BGR order.
    pixels = np.asarray(image)[:, :, ::-1]
    parts = tiles(image.width, image.height)
    _budget_left[0] = REC_BUDGET
    vertical = image.height >= image.width
    boxes = []
    for number, (x0, y0, x1, y1) in enumerate(parts):
        offset = y0 if vertical else x0
        # A line is kept from the tile its centre lies in before the middle of the overlap
        # with the next one, so a line in two tiles is kept once.
        start = (offset + (parts[number - 1][3 if vertical else 2])) / 2 if number else -1
        end = (
            ((y1 if vertical else x1) + (parts[number + 1][1 if vertical else 0])) / 2
            if number + 1 < len(parts)
            else float("inf")
        )
        try:
            result, _elapsed = engine()(np.ascontiguousarray(pixels[y0:y1, x0:x1]))
        except Exception as error:  # onnxruntime and rapidocr raise their own kinds
            raise ReadFailed(f"{type(error).__name__}: {error}") from error
        finally:
            _give_back_memory()
        for points, text, score in result or ():
            xs = [p[0] + x0 for p in points]
            ys = [p[1] + y0 for p in points]
            box = (int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys))))
            centre = (box[1] + box[3]) / 2 if vertical else (box[0] + box[2]) / 2
            if start <= centre < end:
                boxes.append(TextBox(text=str(text), box=box, score=float(score)))
    return boxes
