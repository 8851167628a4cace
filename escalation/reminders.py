"""Sending one claimed reminder, and the signed link that mutes them.

escalation.tasks.send_reminder calls `send_reminder` with a Reminder id that
escalation.sweep claimed; running it twice sends at most one email.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import language_of
from complaints.recipients import recipient_for
from complaints.states import Status, is_open
from notifications.models import OutboundEmail
from notifications.services import deliver, queue_email

from . import clocks, conf, display, ladder
from .models import Body, Clock, Reminder, ReminderMute

log = logging.getLogger(__name__)

MUTE_SALT = "escalation.mute"
TEMPLATES = {
    Clock.ReminderKind.DUE_TOMORROW: "reminder_due_tomorrow",
    Clock.ReminderKind.OVERDUE: "reminder_overdue",
    Clock.ReminderKind.STILL_OVERDUE: "reminder_overdue",
}


# --- Mute link ----------------------------------------------------------------


class MuteLinkExpired(Exception):
    """The mute link was genuine but is older than conf.MUTE_LINK_MAX_AGE."""


def mute_token(complaint_id: int) -> str:
    """A signed, dated token naming the complaint (nothing personal: its id only)."""
    return signing.TimestampSigner(salt=MUTE_SALT).sign(str(complaint_id))


def complaint_id_from_mute_token(token: str) -> int | None:
    """The complaint id of a genuine, unexpired token; None for a forged one.
    Raises MuteLinkExpired for a genuine one past its age."""
    signer = signing.TimestampSigner(salt=MUTE_SALT)
    try:
        return int(signer.unsign(token, max_age=conf.MUTE_LINK_MAX_AGE))
    except signing.SignatureExpired as expired:
        raise MuteLinkExpired from expired
    except (signing.BadSignature, ValueError, TypeError):
        return None


def mute_url(complaint_id: int) -> str:
    return reverse("escalation:mute", args=[mute_token(complaint_id)])


def unsubscribe_headers(absolute_mute_url: str) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe with RFC 8058 one-click: the mail client offers
    "unsubscribe" and POSTs List-Unsubscribe=One-Click to the mute link itself."""
    return {"List-Unsubscribe": f"<{absolute_mute_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_muted(complaint) -> bool:
    return ReminderMute.objects.filter(complaint=complaint).exists()


def set_muted(complaint, muted: bool) -> None:
    if muted:
        ReminderMute.objects.get_or_create(complaint=complaint)
    else:
        ReminderMute.objects.filter(complaint=complaint).delete()


# --- Sending ------------------------------------------------------------------


def why_not_send(reminder: Reminder) -> str:
    """An empty string when the reminder should go out, else the reason it is skipped."""
    clock, complaint = reminder.clock, reminder.clock.complaint
    if clock.state != Clock.State.RUNNING:
        return f"clock {clock.state}"
    if not is_open(complaint.status):
        return f"complaint {complaint.status}"
    if complaint.status == Status.ESCALATED and clock.policy.body == Body.PLATFORM:
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
        "is_platform": clock.policy.body == Body.PLATFORM,
        # The ladder picks the link: the packet only when it opens for this complaint.
        "packet_url": ladder.next_step_url(complaint),
        "next_step": "" if clock.policy.body == Body.PLATFORM else ladder.next_step_when_overdue(clock),
        "deadlines_url": complaint.get_absolute_url(),
        "mute_url": mute_url(complaint.pk),
    }


def send_reminder(reminder_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one claimed reminder; safe to run any number of times.

    1. Stop if it already finished, or mark it skipped when it no longer applies
       (clock met or stopped, complaint closed or escalated, reminders muted).
    2. Put the email in the outbox under a dedupe key (a rerun finds the same row)
       and schedule the clock's next reminder, in one transaction.
    3. Deliver it now and record the outcome: sent, failed with the error, or
       "retry" (the task retries with backoff; the outbox keeps its own retries).
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
    return record_delivery(reminder.pk, email.pk, now)


def record_delivery(reminder_id: int, email_id: int, now: dt.datetime) -> str:
    deliver(email_id, now=now)
    email = OutboundEmail.objects.only("status", "last_error", "attempts").get(pk=email_id)
    status = {
        OutboundEmail.Status.SENT: Reminder.Status.SENT,
        OutboundEmail.Status.FAILED: Reminder.Status.FAILED,
    }.get(email.status, Reminder.Status.PENDING)
    Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
        status=status,
        attempts=email.attempts,
        last_error=email.last_error,
        finished_at=now if status != Reminder.Status.PENDING else None,
    )
    return "retry" if status == Reminder.Status.PENDING else status
