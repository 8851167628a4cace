"""The actions on clocks: start, meet, pause, resume, stop; and the one function that
keeps Complaint.next_deadline_at in step with them.

Called from the status_changed receiver (escalation.receivers) inside the transaction
that changed the status, so clocks and status commit or roll back together.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from complaints.models import Complaint
from core.parties import Party

from . import conf, workdays
from .models import PLATFORM_KINDS, Clock, DeadlinePolicy, Unit

LIVE = (Clock.State.RUNNING, Clock.State.PAUSED)


# --- Pure helpers -------------------------------------------------------------


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, conf.SHANGHAI).date()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, conf.END_OF_DAY, tzinfo=conf.SHANGHAI)


def reminder_time(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, conf.REMINDER_TIME, tzinfo=conf.SHANGHAI)


def compute_due(policy: DeadlinePolicy, start_at: dt.datetime) -> tuple[dt.datetime | None, dt.datetime, bool]:
    """(expected from, due at, provisional) for a clock of `policy` starting at `start_at`.

    Working days count from the day after the start's Beijing date; the due day ends at
    23:59:59 Beijing time. Hours count from the exact moment."""
    if policy.unit == Unit.HOURS:
        expected = start_at + dt.timedelta(hours=policy.expected_after) if policy.expected_after else None
        return expected, start_at + dt.timedelta(hours=policy.due_after), False
    calendar = workdays.get_calendar()
    start_day = local_day(start_at)
    due = calendar.deadline(start_day, policy.due_after)
    expected = None
    if policy.expected_after:
        expected = dt.datetime.combine(
            calendar.add_working_days(start_day, policy.expected_after), dt.time(0), tzinfo=conf.SHANGHAI
        )
    return expected, end_of_day(due.day), due.provisional


def first_reminder(unit: str, due_at: dt.datetime, now: dt.datetime) -> tuple[dt.datetime, str]:
    """The first reminder of a clock: "due tomorrow" the morning before a day-based due
    day, unless that is already past; otherwise "overdue" as soon as it runs out."""
    if unit == Unit.WORKING_DAYS:
        tomorrow_at = reminder_time(timezone.localtime(due_at, conf.SHANGHAI).date() - dt.timedelta(days=1))
        if tomorrow_at > now:
            return tomorrow_at, Clock.ReminderKind.DUE_TOMORROW
    return due_at + dt.timedelta(seconds=1), Clock.ReminderKind.OVERDUE


def next_reminder(clock: Clock, sent_kind: str, sent_at: dt.datetime) -> tuple[dt.datetime | None, str]:
    """What follows a reminder of `sent_kind`: the overdue one after "due tomorrow", then
    "still overdue" every few working days, up to conf.MAX_REPEATS of them."""
    if sent_kind == Clock.ReminderKind.DUE_TOMORROW:
        return clock.due_at + dt.timedelta(seconds=1), Clock.ReminderKind.OVERDUE
    repeats = clock.reminders.filter(kind=Clock.ReminderKind.STILL_OVERDUE).count()
    if repeats >= conf.MAX_REPEATS:
        return None, ""
    day = workdays.add_working_days(local_day(sent_at), conf.REPEAT_WORKING_DAYS)
    return reminder_time(day), Clock.ReminderKind.STILL_OVERDUE


# --- Actions ----------------------------------------------------------------


def platform_policies(complaint: Complaint) -> list[DeadlinePolicy]:
    return list(
        DeadlinePolicy.objects.filter(
            body=Party.PLATFORM, platform_id=complaint.platform_id, kind__in=PLATFORM_KINDS, active=True
        ).exclude(due_after=None)
    )


def start_clock(
    complaint: Complaint, policy: DeadlinePolicy, start_at: dt.datetime, *, actor=None, confirmed: bool = False
) -> Clock | None:
    """Start `policy`'s clock for `complaint` unless one of that kind is already live.
    `confirmed`: staff stand behind the start time (see Clock.start_confirmed_at)."""
    if not policy.runs or Clock.objects.filter(complaint=complaint, kind=policy.kind, state__in=LIVE).exists():
        return None
    now = timezone.now()
    expected_at, due_at, provisional = compute_due(policy, start_at)
    reminder_at, reminder_kind = first_reminder(policy.unit, due_at, now)
    return Clock.objects.create(
        complaint=complaint,
        kind=policy.kind,
        policy=policy,
        started_at=start_at,
        expected_at=expected_at,
        due_at=due_at,
        provisional=provisional,
        next_reminder_at=reminder_at,
        next_reminder_kind=reminder_kind,
        started_by=actor if getattr(actor, "pk", None) else None,
        start_confirmed_at=now if confirmed else None,
        start_confirmed_by=actor if confirmed and getattr(actor, "pk", None) else None,
        created_at=now,
    )


def start_platform_clocks(
    complaint: Complaint, start_at: dt.datetime, *, actor=None, confirmed: bool = False
) -> list[Clock]:
    """The complaint reached the platform: its first-response and resolution clocks run."""
    started = [
        start_clock(complaint, p, start_at, actor=actor, confirmed=confirmed) for p in platform_policies(complaint)
    ]
    refresh_next_deadline(complaint.pk)
    return [c for c in started if c]


def start_route_clock(complaint: Complaint, kind: str, start_at: dt.datetime, *, actor=None) -> Clock | None:
    """A route after the platform starts its clock (escalation.ladder.EFFECTS): ODR
    negotiation, 12315 acceptance or mediation, the association check-in."""
    policy = DeadlinePolicy.objects.filter(kind=kind, platform=None).exclude(body=Party.PLATFORM).first()
    clock = start_clock(complaint, policy, start_at, actor=actor) if policy is not None else None
    refresh_next_deadline(complaint.pk)
    return clock


def meet_clocks(complaint: Complaint, kinds, at: dt.datetime) -> int:
    changed = Clock.objects.filter(complaint=complaint, kind__in=kinds, state__in=LIVE).update(
        state=Clock.State.MET, met_at=at, next_reminder_at=None
    )
    refresh_next_deadline(complaint.pk)
    return changed


def stop_clocks(complaint: Complaint, at: dt.datetime, kinds=None) -> int:
    """No more reminders: the complaint was escalated, withdrawn, rejected or closed."""
    clocks = Clock.objects.filter(complaint=complaint, state__in=LIVE)
    if kinds is not None:
        clocks = clocks.filter(kind__in=kinds)
    changed = clocks.update(state=Clock.State.STOPPED, stopped_at=at, next_reminder_at=None)
    refresh_next_deadline(complaint.pk)
    return changed


def pause_clocks(complaint: Complaint, at: dt.datetime) -> int:
    """Waiting for the consumer: keep what is left of each running clock.

    Working days left are those after the pause day up to the due day (0 when paused
    on the due day itself); hours keep the exact seconds left."""
    calendar = workdays.get_calendar()
    paused = 0
    for clock in Clock.objects.filter(complaint=complaint, state=Clock.State.RUNNING).select_related("policy"):
        if clock.policy.unit == Unit.HOURS:
            remaining = max(int((clock.due_at - at).total_seconds()), 0)
        else:
            remaining = max(calendar.working_days_between(local_day(at), local_day(clock.due_at)), 0)
        paused += Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING).update(
            state=Clock.State.PAUSED, paused_at=at, remaining=remaining, next_reminder_at=None
        )
    refresh_next_deadline(complaint.pk)
    return paused


def resume_clocks(complaint: Complaint, at: dt.datetime) -> int:
    """The consumer answered: each paused clock runs again with the time it had left."""
    calendar = workdays.get_calendar()
    resumed = 0
    for clock in Clock.objects.filter(complaint=complaint, state=Clock.State.PAUSED).select_related("policy"):
        if clock.policy.unit == Unit.HOURS:
            due_at, provisional = at + dt.timedelta(seconds=clock.remaining or 0), False
        else:
            due = calendar.deadline(local_day(at), clock.remaining or 0)
            due_at, provisional = end_of_day(due.day), due.provisional
        reminder_at, reminder_kind = first_reminder(clock.policy.unit, due_at, at)
        resumed += Clock.objects.filter(pk=clock.pk, state=Clock.State.PAUSED).update(
            state=Clock.State.RUNNING,
            due_at=due_at,
            provisional=provisional,
            paused_at=None,
            remaining=None,
            next_reminder_at=reminder_at,
            next_reminder_kind=reminder_kind,
        )
    refresh_next_deadline(complaint.pk)
    return resumed


def next_running_clock(complaint_id: int) -> Clock | None:
    """The complaint's next deadline: its earliest running clock, or None."""
    return Clock.objects.filter(complaint_id=complaint_id, state=Clock.State.RUNNING).order_by("due_at").first()


def refresh_next_deadline(complaint_id: int) -> None:
    """The one writer of Complaint.next_deadline_at / next_deadline_provisional: the
    earliest running clock's due time, or nothing when no clock runs."""
    clock = next_running_clock(complaint_id)
    Complaint.objects.filter(pk=complaint_id).update(
        next_deadline_at=clock.due_at if clock else None,
        next_deadline_provisional=clock.provisional if clock else False,
    )


def unconfirmed_platform_clocks(complaint: Complaint):
    """The platform clocks started on the consumer's word alone (not yet confirmed)."""
    return Clock.objects.filter(complaint=complaint, kind__in=PLATFORM_KINDS, start_confirmed_at__isnull=True)


def confirm_platform_clock_starts(complaint: Complaint, *, actor, at: dt.datetime | None = None) -> int:
    """Staff checked the consumer's own complaint to the platform (ticket, screenshot):
    its clocks' start now counts in the public statistics. Returns how many changed."""
    return unconfirmed_platform_clocks(complaint).update(
        start_confirmed_at=at or timezone.now(), start_confirmed_by=actor
    )


def overdue_clocks(now: dt.datetime | None = None):
    """Running clocks past their due time (the partial index clock_running_due_idx)."""
    return Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=now or timezone.now())
