"""Reading a blurred copy back with the app's own OCR: which personal strings it still
shows, and whether the order number, amount and date stayed readable. Shared by
bench/blur_proof.py and tests/test_reading_blur_proof.py."""

import io
import re
import unicodedata

from PIL import Image

from reading import engine
from reading.blur import blur_except
from reading.reader import read_screenshot

from . import screenshotgen

_NOT_KEPT = re.compile(r"[\s\-()（）:：/_]")


def squeeze(text: str) -> str:
    """Text as compared: NFKC, no spaces, dashes, brackets or colons, lower case."""
    return _NOT_KEPT.sub("", unicodedata.normalize("NFKC", text)).lower()


def copy_of(data: bytes) -> Image.Image:
    """The copy a recipient gets by default, made as the ocr worker and
    reading.sharing make it: read, then blurred except the allow-list."""
    reading = read_screenshot(data)
    image = engine.decode(data)
    return blur_except(image, reading.shareable)


def read_back(image: Image.Image) -> str:
    """Everything OCR reads on `image`, squeezed and joined (a string split over two
    boxes is found too)."""
    out = io.BytesIO()
    image.save(out, format="PNG")
    decoded = engine.decode(out.getvalue())
    return "".join(squeeze(box.text) for box in engine.read_text(decoded))


def leaked(labels: dict, text: str, *, window: int = 6) -> dict:
    """For each personal string of `labels`: "whole" when it is read back whole,
    "part" when a run of `window` of its characters is (names: the whole name), else
    absent."""
    found = {}
    for kind, value in labels["personal"].items():
        target = squeeze(value)
        if target in text:
            found[kind] = "whole"
        elif len(target) > window and any(target[i : i + window] in text for i in range(len(target) - window + 1)):
            found[kind] = "part"
    return found


def kept(labels: dict, text: str) -> dict:
    """Whether the order number, amount and date of `labels` are read back."""
    date = squeeze(labels["ordered_at"].split(" ")[0])
    return {
        "order_number": squeeze(labels["order_number"]) in text,
        "amount": squeeze(labels["amount"]) in text,
        "ordered_at": date in text,
    }


def prove(seed: int, variation: str) -> dict:
    """One screenshot of the blur proof: what its copy leaks and keeps."""
    shot = screenshotgen.personal_screenshot(seed, variation=variation)
    data = screenshotgen.encode(shot, 80)
    original = read_back(engine.decode(data))
    text = read_back(copy_of(data))
    return {
        "name": shot.name,
        "labels": shot.labels,
        # What the original itself shows (a string OCR cannot read even unblurred proves nothing).
        "readable_before": sorted(leaked(shot.labels, original)),
        "leaked": leaked(shot.labels, text),
        "kept": kept(shot.labels, text),
    }
