"""The sweep: find due reminders with one indexed query and claim them atomically.

Run by the Celery beat task escalation.tasks.sweep_deadlines every
ESCALATION_SWEEP_SECONDS. Its cost grows with the number of due clocks, not the open
ones: it reads only the partial index clock_reminder_due_idx.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import conf
from .models import Clock, Reminder

log = logging.getLogger(__name__)


def claim_due_reminders(now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim every due reminder once and return the new Reminder ids.

    1. Select running clocks whose next reminder is due, locking them and skipping
       rows another sweep holds (PostgreSQL; SQLite serialises writers instead).
    2. Conditional UPDATE of exactly those rows, still due: the next reminder
       becomes NULL ("being sent") and the sequence number goes up. A row another
       sweep already claimed no longer matches, so it is never claimed twice.
    3. Insert one Reminder per claimed clock; the unique (clock, kind, seq)
       constraint is the backstop against any double claim.
    4. After commit, hand each reminder to its own task (escalation.tasks.send_reminder).
    """
    now = now or timezone.now()
    limit = limit or conf.SWEEP_BATCH
    with transaction.atomic():
        due = list(
            Clock.objects.select_for_update(skip_locked=True)
            .filter(state=Clock.State.RUNNING, next_reminder_at__lte=now)
            .order_by("next_reminder_at")
            .values_list("pk", "next_reminder_kind", "reminder_seq")[:limit]
        )
        if not due:
            return []
        ids = [pk for pk, _kind, _seq in due]
        changed = Clock.objects.filter(pk__in=ids, state=Clock.State.RUNNING, next_reminder_at__lte=now).update(
            next_reminder_at=None, reminder_seq=F("reminder_seq") + 1
        )
        if changed == len(ids):
            reminders = Reminder.objects.bulk_create(
                [
                    Reminder(clock_id=pk, kind=kind, seq=seq + 1, created_at=now, enqueued_at=now)
                    for pk, kind, seq in due
                ],
                batch_size=5000,
            )
            reminder_ids = [r.pk for r in reminders]
            transaction.on_commit(lambda: enqueue_reminders(reminder_ids))
            return reminder_ids
        # Only possible without row locks (another writer got in between): undo, and
        # claim row by row instead.
        transaction.set_rollback(True)
    return _claim_one_by_one(due, now)


def _claim_one_by_one(due, now) -> list[int]:
    reminder_ids = []
    for pk, kind, seq in due:
        with transaction.atomic():
            if (
                Clock.objects.filter(
                    pk=pk, state=Clock.State.RUNNING, reminder_seq=seq, next_reminder_at__lte=now
                ).update(next_reminder_at=None, reminder_seq=seq + 1)
                != 1
            ):
                continue
            reminder = Reminder.objects.create(clock_id=pk, kind=kind, seq=seq + 1, created_at=now, enqueued_at=now)
            reminder_ids.append(reminder.pk)
    transaction.on_commit(lambda: enqueue_reminders(reminder_ids))
    return reminder_ids


def requeue_stale_reminders(now: dt.datetime | None = None) -> list[int]:
    """Hand out again the claimed reminders whose task never finished (a worker killed
    mid-send, a broker that lost the message). The conditional update on enqueued_at
    lets only one sweep re-enqueue each; sending is idempotent anyway."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.STALE_REMINDER_SECONDS)
    stale = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, enqueued_at__lt=cutoff).values_list(
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


def enqueue_reminders(reminder_ids: list[int]) -> None:
    """One task per reminder. A broker failure leaves the reminder pending for
    requeue_stale_reminders; one failing item never stops the others."""
    from .tasks import send_reminder

    for reminder_id in reminder_ids:
        try:
            send_reminder.apply_async((reminder_id,), retry=False)
        except Exception:  # kombu raises several types for an unreachable broker
            log.warning("could not enqueue reminder %s; the next sweep retries", reminder_id, exc_info=True)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    claimed = claim_due_reminders(now)
    requeued = requeue_stale_reminders(now)
    return {"claimed": len(claimed), "requeued": len(requeued)}
