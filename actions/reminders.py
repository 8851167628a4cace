"""The reminder actions of the system: claiming due reminders off the clocks, and
putting one reminder's message in the outbox with the clock's next reminder."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from escalation import clocks as clock_rules
from escalation import conf, display
from escalation.models import Clock, Reminder
from escalation.muting import mute_url as mute_url_for
from escalation.muting import unsubscribe_headers
from escalation.reminders import TEMPLATES, reminder_context, reminder_line, take_outcome, why_not_send
from escalation.sweep import enqueue_reminders, requeue_stale_reminders
from notifications.models import OutboundEmail

from . import action
from .notify import MOMENT_REMINDERS, tell_consumer
from .solved import ask_again_due


@action
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
    with connection.cursor() as cursor:
        # Walk the partial index in order (no bitmap scan): a plain index scan marks the
        # entries left behind by the previous claims dead, so an idle sweep stays cheap
        # before autovacuum comes round.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(sql, {"now": now, "limit": limit})
        reminder_ids = [row[0] for row in cursor.fetchall()]
        if reminder_ids:
            transaction.on_commit(lambda: enqueue_reminders(reminder_ids))
    return reminder_ids


@action
def send_reminder(reminder_id: int, *, now: dt.datetime | None = None) -> str:
    """Put one claimed reminder's email in the outbox; safe to run any number of times.

    1. Stop if it already finished, or mark it skipped when it no longer applies
       (clock met or stopped, complaint closed or escalated, reminders muted).
    2. Put the email in the outbox under a dedupe key (a rerun finds the same row)
       and schedule the clock's next reminder, in one transaction. Reminders of one
       complaint claimed in the same sweep are one message (notify.MOMENT_REMINDERS),
       listing each deadline; each of those reminders takes that message's outcome.
    3. That is all: the outbox is the one sender (its commit hook hands the email to
       notifications.tasks.deliver_email, which retries with backoff), and the
       reminder takes the email's outcome when it is known (record_email_outcome).
       Delivering here as well made two senders race for the same row.
    """
    now = now or timezone.now()
    reminder = (
        Reminder.objects.select_related("clock__complaint__platform", "clock__complaint__owner", "clock__policy")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.status != Reminder.Status.PENDING:
        return reminder.status if reminder else "missing"
    clock, complaint = reminder.clock, reminder.clock.complaint
    reason = why_not_send(reminder)
    if reason:
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.SKIPPED, last_error=reason, finished_at=now
        )
        return "skipped"
    dedupe_key = f"reminder:{clock.pk}:{reminder.kind}:{reminder.seq}"
    mute_url = mute_url_for(complaint.pk)
    [email, *_others] = tell_consumer(
        complaint,
        TEMPLATES[reminder.kind],
        dedupe_key=dedupe_key,
        build_context=lambda: reminder_context(reminder, mute_url=mute_url),
        headers=unsubscribe_headers(settings.SITE_URL + mute_url),
        # The complaint's other reminders of this sweep come in the same message.
        moment=MOMENT_REMINDERS,
        facts={
            "deadlines": [lambda: reminder_line(reminder, now)],
            # Kept when a "due tomorrow" absorbs it: that message then names the packet too.
            "overdue": [lambda: display.sentence(clock)] if reminder.kind != Clock.ReminderKind.DUE_TOMORROW else [],
        },
    )
    # This reminder, and those whose messages this one absorbed, finish with it.
    Reminder.objects.filter(Q(pk=reminder.pk) | Q(email__merged_into=email)).update(email=email)
    next_at, next_kind = clock_rules.next_reminder(clock, reminder.kind, now)
    Clock.objects.filter(
        pk=clock.pk, state=Clock.State.RUNNING, next_reminder_at=None, reminder_seq=reminder.seq
    ).update(next_reminder_at=next_at, next_reminder_kind=next_kind)
    if email.status != OutboundEmail.Status.PENDING:
        # A rerun after the email already went (the first run's ack was lost).
        take_outcome(email.pk, now)
    return "queued"


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's deadline sweep (escalation.tasks.sweep_deadlines)."""
    claimed = claim_due_reminders(now)
    requeued = requeue_stale_reminders(now)
    # "Was it solved?" asked again after four weeks without an answer.
    asked_again = ask_again_due(now)
    return {"claimed": len(claimed), "requeued": len(requeued), "asked_again": asked_again}
