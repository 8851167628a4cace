"""Reading evidence screenshots: the only writer of ScreenshotReading."""

import datetime as dt

from django.utils import timezone

from complaints.models import Evidence

from .models import ScreenshotReading
from .reader import read_screenshot


def read_evidence(evidence_id: int) -> str:
    """Read one sanitised evidence image and store what was found; safe to run twice
    (a second run finds the reading stored and does nothing)."""
    evidence = Evidence.objects.ready().filter(pk=evidence_id).first()
    if evidence is None or ScreenshotReading.objects.filter(evidence_id=evidence_id).exists():
        return "skipped"
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = b""
    # The day of the upload: a date shown without a year is the latest not after it.
    reading = read_screenshot(data, today=timezone.localdate(evidence.created_at))
    if not reading.readable:
        status = ScreenshotReading.Status.UNREADABLE
    elif reading.facts or reading.personal_data:
        status = ScreenshotReading.Status.READ
    else:
        status = ScreenshotReading.Status.NOTHING_FOUND
    ScreenshotReading.objects.get_or_create(
        evidence=evidence,
        defaults={
            "status": status,
            "facts": {
                name: {"value": fact.value, "confidence": fact.confidence} for name, fact in reading.facts.items()
            },
            "personal_data": [{"kind": p.kind, "box": list(p.box)} for p in reading.personal_data],
            "shareable_boxes": [list(box) for box in reading.shareable],
            "seconds": round(reading.seconds, 3),
        },
    )
    return status


def unread_evidence_ids(now=None, *, older_than=dt.timedelta(minutes=2), within=dt.timedelta(days=2), limit=100):
    """Sanitised evidence that should have been read by now but was not: the broker was
    down when sanitising published the reading, or the ocr worker died mid-way."""
    now = now or timezone.now()
    return list(
        Evidence.objects.ready()
        .filter(reading__isnull=True, created_at__lt=now - older_than, created_at__gte=now - within)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def unread_ids_of(complaint_id: int) -> list[int]:
    """The complaint's READY evidence not read yet."""
    return list(
        Evidence.objects.ready()
        .filter(complaint_id=complaint_id, reading__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
