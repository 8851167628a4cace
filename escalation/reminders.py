"""Sending one claimed reminder (the link that mutes them: escalation.muting).

escalation.tasks.send_reminder calls `send_reminder` with a Reminder id that
escalation.sweep claimed; running it twice sends at most one email.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import language_of
from complaints.recipients import recipient_for
from complaints.states import Status, is_open
from core.parties import Party
from notifications.models import OutboundEmail
from notifications.services import queue_email

from . import clocks, conf, display, ladder
from .models import Clock, Reminder
from .muting import is_muted, mute_url, unsubscribe_headers

log = logging.getLogger(__name__)

TEMPLATES = {
    Clock.ReminderKind.DUE_TOMORROW: "reminder_due_tomorrow",
    Clock.ReminderKind.OVERDUE: "reminder_overdue",
    Clock.ReminderKind.STILL_OVERDUE: "reminder_overdue",
}


# --- Sending ------------------------------------------------------------------


def why_not_send(reminder: Reminder) -> str:
    """An empty string when the reminder should go out, else the reason it is skipped."""
    clock, complaint = reminder.clock, reminder.clock.complaint
    if clock.state != Clock.State.RUNNING:
        return f"clock {clock.state}"
    if not is_open(complaint.status):
        return f"complaint {complaint.status}"
    if complaint.status == Status.ESCALATED and clock.policy.body == Party.PLATFORM:
        return "escalated"
    if is_muted(complaint):
        return "muted by the consumer"
    if recipient_for(complaint) is None:
        return "the consumer has no verified address"
    return ""


def reminder_context(reminder: Reminder) -> dict:
    clock = reminder.clock
    complaint = clock.complaint
    return {
        "complaint": complaint,
        "clock": clock,
        "kind": reminder.kind,
        "repeat": reminder.kind == Clock.ReminderKind.STILL_OVERDUE,
        "body_name": display.body_label(clock),
        "clock_label": clock.get_kind_display(),
        "due_day": timezone.localtime(clock.due_at, conf.SHANGHAI).date(),
        "due_at": timezone.localtime(clock.due_at, conf.SHANGHAI),
        "provisional": clock.provisional,
        "is_platform": clock.policy.body == Party.PLATFORM,
        # The ladder picks the link: the packet only when it opens for this complaint.
        "packet_url": ladder.next_step_url(complaint),
        "next_step": "" if clock.policy.body == Party.PLATFORM else ladder.next_step_when_overdue(clock),
        "deadlines_url": complaint.get_absolute_url(),
        "mute_url": mute_url(complaint.pk),
    }


def send_reminder(reminder_id: int, *, now: dt.datetime | None = None) -> str:
    """Put one claimed reminder's email in the outbox; safe to run any number of times.

    1. Stop if it already finished, or mark it skipped when it no longer applies
       (clock met or stopped, complaint closed or escalated, reminders muted).
    2. Put the email in the outbox under a dedupe key (a rerun finds the same row)
       and schedule the clock's next reminder, in one transaction.
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
    with transaction.atomic():
        language = language_of(complaint.owner) if complaint.owner_id else complaint.language
        with translation.override(language):
            context = reminder_context(reminder)
        email = queue_email(
            template=TEMPLATES[reminder.kind],
            to=recipient_for(complaint),
            language=language,
            context=context,
            complaint=complaint,
            dedupe_key=dedupe_key,
            headers=unsubscribe_headers(settings.SITE_URL + context["mute_url"]),
        ) or OutboundEmail.objects.get(dedupe_key=dedupe_key)
        Reminder.objects.filter(pk=reminder.pk).update(email=email)
        next_at, next_kind = clocks.next_reminder(clock, reminder.kind, now)
        Clock.objects.filter(
            pk=clock.pk, state=Clock.State.RUNNING, next_reminder_at=None, reminder_seq=reminder.seq
        ).update(next_reminder_at=next_at, next_reminder_kind=next_kind)
    if email.status != OutboundEmail.Status.PENDING:
        # A rerun after the email already went (the first run's ack was lost).
        _take_outcome(email.pk, now)
    return "queued"


def record_email_outcome(*, email, status: str, **_kwargs) -> None:
    """Receiver of notifications.signals.email_finished: a reminder's email was sent,
    or failed for good, so the reminder is finished the same way."""
    _take_outcome(email.pk, timezone.now())


def _take_outcome(email_id: int, now: dt.datetime) -> None:
    email = OutboundEmail.objects.only("status", "last_error", "attempts").get(pk=email_id)
    status = {
        OutboundEmail.Status.SENT: Reminder.Status.SENT,
        OutboundEmail.Status.FAILED: Reminder.Status.FAILED,
    }.get(email.status)
    if status is None:
        return
    Reminder.objects.filter(email_id=email_id, status=Reminder.Status.PENDING).update(
        status=status, attempts=email.attempts, last_error=email.last_error, finished_at=now
    )
