"""The sweep: find due reminders with one indexed query and claim them atomically.

Run by the Celery beat task escalation.tasks.sweep_deadlines every
ESCALATION_SWEEP_SECONDS. Its cost grows with the number of due clocks, not the open
ones: it reads only the partial index clock_reminder_due_idx.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from core.publishing import publish_many_by_name

from . import conf
from .models import Reminder

log = logging.getLogger(__name__)

# Sweeps claiming more than this many reminders fan the publishing out to workers.
FANOUT_THRESHOLD = 500
FANOUT_CHUNK = 500


def requeue_stale_reminders(now: dt.datetime | None = None) -> list[int]:
    """Hand out again the claimed reminders whose task never queued their email (a
    worker killed before it, a broker that lost the message). One whose email is in the
    outbox is the outbox's to deliver and retry (notifications.tasks.resend_pending_email).
    The conditional update on enqueued_at lets only one sweep re-enqueue each; queueing
    is idempotent anyway."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.STALE_REMINDER_SECONDS)
    stale = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, email__isnull=True, enqueued_at__lt=cutoff).values_list(
            "pk", "enqueued_at"
        )[:1000]
    )
    requeued = [
        pk
        for pk, enqueued_at in stale
        if Reminder.objects.filter(pk=pk, status=Reminder.Status.PENDING, enqueued_at=enqueued_at).update(
            enqueued_at=now
        )
    ]
    enqueue_reminders(requeued)
    return requeued


def enqueue_reminders(reminder_ids: list[int], *, fan_out: bool = True) -> None:
    """One send task per reminder, published through one pipelined producer. Above
    FANOUT_THRESHOLD the sweep publishes one dispatch task per FANOUT_CHUNK ids
    instead and workers publish the send tasks, so a large sweep returns in
    milliseconds. A broker failure leaves reminders pending for
    requeue_stale_reminders; one failing item never stops the others."""
    if fan_out and len(reminder_ids) > FANOUT_THRESHOLD:
        chunks = [(reminder_ids[i : i + FANOUT_CHUNK],) for i in range(0, len(reminder_ids), FANOUT_CHUNK)]
        publish_many_by_name("escalation.tasks.dispatch_reminders", chunks)
    else:
        publish_many_by_name("escalation.tasks.send_reminder", [(reminder_id,) for reminder_id in reminder_ids])
