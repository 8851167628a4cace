"""Retention (PIPL art. 47: no longer than needed): personal data of a closed complaint
is kept for RETENTION_DAYS after it closed (default 1,095 days: past 3 years 12315 no
longer accepts the complaint), then erased; the anonymous row stays for the statistics.
This module chooses which; actions.erasure.erase_expired erases them."""

import datetime as dt

from django.conf import settings

from complaints.models import Complaint
from complaints.states import TERMINAL

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
