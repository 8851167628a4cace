"""Reading evidence screenshots: the only writer of ScreenshotReading."""

import datetime as dt

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from complaints.models import Evidence

from .models import ReadingAttempt, ScreenshotReading
from .reader import Reading, read_screenshot

# A reading started this many times without finishing (its worker was killed: the memory
# ceiling, the hard time limit) is recorded as failed at the next start, never read again.
MAX_ATTEMPTS = 2


def over_quota(evidence_id: int, now=None) -> bool:
    """Whether the owner of `evidence_id` had READING_QUOTA_PER_HOUR screenshots or more
    started reading in the last hour (ReadingAttempt.last_started_at)."""
    now = now or timezone.now()
    owner_id = Evidence.objects.filter(pk=evidence_id).values_list("owner_id", flat=True).first()
    started = ReadingAttempt.objects.filter(
        evidence__owner_id=owner_id, last_started_at__gte=now - dt.timedelta(hours=1)
    )
    return started.count() >= settings.READING_QUOTA_PER_HOUR


def start_attempt(evidence_id: int, now=None) -> int:
    """Count one more start of reading `evidence_id`, committed before reading begins
    (a worker killed mid-read cannot take it back); the number of starts before this one."""
    ReadingAttempt.objects.get_or_create(evidence_id=evidence_id)
    ReadingAttempt.objects.filter(evidence_id=evidence_id).update(
        attempts=F("attempts") + 1, last_started_at=now or timezone.now()
    )
    return ReadingAttempt.objects.get(evidence_id=evidence_id).attempts - 1


def read_evidence(evidence_id: int, *, out_of_time: type[BaseException] | None = None) -> str:
    """Read one sanitised evidence image and store what was found; safe to run twice
    (a second run finds the reading stored and does nothing).

    1. Count the start (start_attempt). After MAX_ATTEMPTS starts that never finished,
       store a FAILED reading without reading: the image killed its worker twice.
    2. Read. The engine raising, or `out_of_time` (the task's soft time limit) raised
       inside the read, stores a FAILED reading too.
    """
    evidence = Evidence.objects.ready().filter(pk=evidence_id).first()
    if evidence is None or ScreenshotReading.objects.filter(evidence_id=evidence_id).exists():
        return "skipped"
    if start_attempt(evidence_id) >= MAX_ATTEMPTS:
        return _store(evidence, Reading(failed=True))
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = b""
    try:
        # The day of the upload: a date shown without a year is the latest not after it.
        reading = read_screenshot(data, today=timezone.localdate(evidence.created_at))
    except BaseException as error:
        if out_of_time is None or not isinstance(error, out_of_time):
            raise
        reading = Reading(failed=True)
    return _store(evidence, reading)


def _store(evidence, reading: Reading) -> str:
    if reading.failed:
        status = ScreenshotReading.Status.FAILED
    elif not reading.readable:
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
