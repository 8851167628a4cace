"""Retention (PIPL art. 47: no longer than needed): personal data of a closed complaint
is kept for RETENTION_DAYS after it closed (default 1,095 days: past 3 years 12315 no
longer accepts the complaint), then erased; the anonymous row stays for the statistics."""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from actions.erasure import erase_complaints
from complaints.models import Complaint
from complaints.states import TERMINAL

log = logging.getLogger(__name__)
BATCH = 500


def expired_complaint_ids(now: dt.datetime, limit: int = BATCH) -> list[int]:
    """Closed (a terminal status, closed at status_changed_at) more than RETENTION_DAYS
    ago and not erased yet; read through complaint_retention_due_idx."""
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    return list(
        Complaint.objects.filter(
            status__in=sorted(TERMINAL), personal_data_erased_at__isnull=True, status_changed_at__lt=cutoff
        )
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:limit]
    )


def erase_expired(now: dt.datetime | None = None) -> int:
    """Erase every expired complaint, a batch per transaction; safe to run twice (an
    erased complaint is never selected again). Logs counts only, never who."""
    now = now or timezone.now()
    erased = 0
    while ids := expired_complaint_ids(now):
        erased += erase_complaints(ids, now=now)
    log.info("retention: erased personal data of %d closed complaint(s)", erased)
    return erased
