"""Sending one claimed reminder (the link that mutes them: escalation.muting).

escalation.tasks.send_reminder calls `send_reminder` with a Reminder id that
escalation.sweep claimed; running it twice sends at most one email.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.contact import sms_number_for
from complaints.recipients import recipient_for
from complaints.states import Status, is_open
from core.parties import Party
from notifications.models import OutboundEmail

from . import conf, display, ladder
from .models import Clock, Reminder
from .muting import is_muted

log = logging.getLogger(__name__)

TEMPLATES: dict[str, str] = {
    Clock.ReminderKind.DUE_TOMORROW: "reminder_due_tomorrow",
    Clock.ReminderKind.OVERDUE: "reminder_overdue",
    Clock.ReminderKind.STILL_OVERDUE: "reminder_overdue",
}


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
    if recipient_for(complaint) is None and not (complaint.owner_id and sms_number_for(complaint.owner)):
        return "the consumer has no verified address"
    return ""


def reminder_context(reminder: Reminder, *, mute_url: str) -> dict:
    """What a reminder's message says; `mute_url` is the signed link in it and in its
    List-Unsubscribe header (one link for both)."""
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
        "mute_url": mute_url,
    }


def reminder_line(reminder: Reminder, now: dt.datetime) -> str:
    """One deadline of a message that carries several (a sweep found more than one
    reminder due for the complaint): who must do what by when, and how it stands."""
    clock = reminder.clock
    if reminder.kind == Clock.ReminderKind.DUE_TOMORROW:
        standing = _("due tomorrow")
    else:
        standing = display.overdue_for(clock, now) or _("overdue")
    return _("%(deadline)s (%(standing)s)") % {"deadline": display.sentence(clock), "standing": standing}


def record_email_outcome(*, email, status: str, **_kwargs) -> None:
    """Receiver of notifications.signals.email_finished: a reminder's email was sent,
    or failed for good, so the reminder is finished the same way."""
    take_outcome(email.pk, timezone.now())


def take_outcome(email_id: int, now: dt.datetime) -> None:
    email = OutboundEmail.objects.only("status", "last_error", "attempts").get(pk=email_id)
    outcomes: dict[str, str] = {
        OutboundEmail.Status.SENT: Reminder.Status.SENT,
        OutboundEmail.Status.FAILED: Reminder.Status.FAILED,
    }
    status = outcomes.get(email.status)
    if status is None:
        return
    Reminder.objects.filter(email_id=email_id, status=Reminder.Status.PENDING).update(
        status=status, attempts=email.attempts, last_error=email.last_error, finished_at=now
    )
