"""Read one screenshot: bytes in, facts and personal-data boxes out.

Never raises for what a consumer may upload: a file that is not an image, a corrupt
or huge one, or one with no text gives an empty reading.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.utils import timezone

from . import allowlist, engine, extract


@dataclass
class Reading:
    facts: dict[str, extract.Fact] = field(default_factory=dict)
    personal_data: list[extract.PersonalBox] = field(default_factory=list)
    # The boxes a copy that leaves may keep readable (reading.allowlist).
    shareable: list[tuple[int, int, int, int]] = field(default_factory=list)
    seconds: float = 0.0
    readable: bool = True  # False when the file could not be decoded as an image
    failed: bool = False  # True when the OCR engine raised on it (engine.ReadFailed)

    def value(self, name: str):
        fact = self.facts.get(name)
        return fact.value if fact else None

    def as_line(self) -> dict:
        """The keys `read_screenshot` prints, null where nothing was found."""
        return {
            **{name: self.value(name) for name in extract.FIELDS},
            "seconds": round(self.seconds, 3),
            "personal_data": [{"kind": p.kind, "box": list(p.box)} for p in self.personal_data],
        }


def read_screenshot(data: bytes, *, today: dt.date | None = None) -> Reading:
    started = time.perf_counter()
    image = engine.decode(data)
    if image is None:
        return Reading(seconds=time.perf_counter() - started, readable=False)
    try:
        boxes = engine.read_text(image)
    except engine.ReadFailed:
        return Reading(seconds=time.perf_counter() - started, failed=True)
    facts = extract.order_facts(boxes, today=today or timezone.localdate())
    number = facts.get("order_number")
    personal = extract.personal_data(boxes, exclude=[number.box] if number and number.box else [])
    shop = facts.get("shop_name")
    shareable = allowlist.shareable_boxes(boxes, shop_name=shop.value if shop else None)
    return Reading(facts=facts, personal_data=personal, shareable=shareable, seconds=time.perf_counter() - started)
