"""The sweep: find due reminders with one indexed query and claim them atomically.

Run by the Celery beat task escalation.tasks.sweep_deadlines every
ESCALATION_SWEEP_SECONDS. Its cost grows with the number of due clocks, not the open
ones: it reads only the partial index clock_reminder_due_idx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from . import conf
from .models import Clock, Reminder

log = logging.getLogger(__name__)

# Sweeps claiming more than this many reminders fan the publishing out to workers.
FANOUT_THRESHOLD = 500
FANOUT_CHUNK = 500


def claim_due_reminders(now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim every due reminder once and return the new Reminder ids.

    1. Select running clocks whose next reminder is due (PostgreSQL locks them and
       skips rows another sweep holds; SQLite serialises writers instead).
    2. Conditional UPDATE of exactly those rows, still due: the next reminder
       becomes NULL ("being sent") and the sequence number goes up. A row another
       sweep already claimed no longer matches, so it is never claimed twice.
    3. Insert one Reminder per claimed clock; the unique (clock, kind, seq)
       constraint is the backstop against any double claim.
    4. After commit, hand each reminder to its own task (escalation.tasks.send_reminder).
    """
    now = now or timezone.now()
    limit = limit or conf.SWEEP_BATCH
    if connection.vendor == "postgresql":
        return _claim_in_one_statement(now, limit)
    return _claim_with_orm(now, limit)


def _claim_with_orm(now: dt.datetime, limit: int) -> list[int]:
    """Steps 1-4 through the ORM, for SQLite (development, the faketime CI run): one
    transaction, one conditional UPDATE per clock (matching its sequence number as
    read), so a clock claimed by someone else in between changes no row and is skipped."""
    with transaction.atomic():
        due = list(
            Clock.objects.filter(state=Clock.State.RUNNING, next_reminder_at__lte=now)
            .order_by("next_reminder_at")
            .values_list("pk", "next_reminder_kind", "reminder_seq")[:limit]
        )
        reminder_ids = _claim_clocks(due, now)
        if reminder_ids:
            transaction.on_commit(lambda: enqueue_reminders(reminder_ids))
    return reminder_ids


def _claim_clocks(due: list[tuple[int, str, int]], now: dt.datetime) -> list[int]:
    reminder_ids = []
    for pk, kind, seq in due:
        claimed = Clock.objects.filter(
            pk=pk, state=Clock.State.RUNNING, reminder_seq=seq, next_reminder_at__lte=now
        ).update(next_reminder_at=None, reminder_seq=seq + 1)
        if claimed == 1:
            reminder = Reminder.objects.create(clock_id=pk, kind=kind, seq=seq + 1, created_at=now, enqueued_at=now)
            reminder_ids.append(reminder.pk)
    return reminder_ids


# Steps 1-3 above in one round trip: PostgreSQL locks, updates and inserts set-wise.
_CLAIM_SQL = """
WITH due AS (
    SELECT id FROM {clock}
    WHERE state = 'running' AND next_reminder_at <= %(now)s
    ORDER BY next_reminder_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE {clock} AS c
    SET next_reminder_at = NULL, reminder_seq = c.reminder_seq + 1
    FROM due
    WHERE c.id = due.id AND c.state = 'running' AND c.next_reminder_at <= %(now)s
    RETURNING c.id, c.next_reminder_kind, c.reminder_seq
)
INSERT INTO {reminder} (clock_id, kind, seq, status, attempts, last_error, created_at, enqueued_at)
SELECT id, next_reminder_kind, reminder_seq, 'pending', 0, '', %(now)s, %(now)s FROM claimed
RETURNING id
"""


def _claim_in_one_statement(now: dt.datetime, limit: int) -> list[int]:
    sql = _CLAIM_SQL.format(clock=Clock._meta.db_table, reminder=Reminder._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # Walk the partial index in order (no bitmap scan): a plain index scan marks the
        # entries left behind by the previous claims dead, so an idle sweep stays cheap
        # before autovacuum comes round.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(sql, {"now": now, "limit": limit})
        reminder_ids = [row[0] for row in cursor.fetchall()]
        if reminder_ids:
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


def enqueue_reminders(reminder_ids: list[int], *, fan_out: bool = True) -> None:
    """One send task per reminder, published through one pipelined producer. Above
    FANOUT_THRESHOLD the sweep publishes one dispatch task per FANOUT_CHUNK ids
    instead and workers publish the send tasks, so a large sweep returns in
    milliseconds. A broker failure leaves reminders pending for
    requeue_stale_reminders; one failing item never stops the others."""
    from .tasks import dispatch_reminders, send_reminder

    if fan_out and len(reminder_ids) > FANOUT_THRESHOLD:
        task, batches = (
            dispatch_reminders,
            [(reminder_ids[i : i + FANOUT_CHUNK],) for i in range(0, len(reminder_ids), FANOUT_CHUNK)],
        )
    else:
        task, batches = send_reminder, [(reminder_id,) for reminder_id in reminder_ids]
    if not batches:
        return
    try:
        with task.app.producer_or_acquire() as producer, _batched(producer):
            for args in batches:
                try:
                    task.apply_async(args, retry=False, producer=producer)
                except Exception:  # one message that cannot be built or routed
                    log.warning("could not enqueue %s%s; the next sweep retries", task.name, args, exc_info=True)
    except Exception:  # kombu raises several types for an unreachable broker
        log.warning("broker unavailable; %s reminders wait for the next sweep", len(reminder_ids), exc_info=True)


def _batched(producer):
    """Pipeline the publishes where the transport can (kombu's Producer.batch: Redis)."""
    return producer.batch(max_size=1000) if hasattr(producer, "batch") else contextlib.nullcontext()


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    from .solved import ask_again_due

    claimed = claim_due_reminders(now)
    requeued = requeue_stale_reminders(now)
    # "Was it solved?" asked again after four weeks without an answer.
    asked_again = ask_again_due(now)
    return {"claimed": len(claimed), "requeued": len(requeued), "asked_again": asked_again}
