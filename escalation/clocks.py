"""Clock arithmetic and reads: due times in working days or hours, reminder times,
the policies a complaint's clocks start from, the next running clock. Pure or
read-only; the writers are actions.clocks, called by the actions that move a
complaint, inside their transaction."""

from __future__ import annotations

import datetime as dt

from django.db import models
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
    if policy.due_after is None:  # an inactive policy (no verified count) starts no clock
        raise ValueError(f"policy {policy.pk} has no due count")
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


def route_policy(kind: str, filed_at: dt.datetime) -> DeadlinePolicy | None:
    """The policy of a route's clock (12315 acceptance, mediation, ODR, association) for a
    complaint filed at `filed_at`: the row of the measure in force on the filing day in
    Beijing (Order 20 before 2026-04-15, Order 121 from then), else the earliest."""
    filed_on = timezone.localtime(filed_at, conf.SHANGHAI).date()
    return (
        DeadlinePolicy.objects.filter(kind=kind, platform=None)
        .exclude(body=Party.PLATFORM)
        .filter(models.Q(in_force_from__isnull=True) | models.Q(in_force_from__lte=filed_on))
        .order_by(models.F("in_force_from").desc(nulls_last=True))
        .first()
    )


def next_running_clock(complaint_id: int) -> Clock | None:
    """The complaint's next deadline: its earliest running clock, or None."""
    return Clock.objects.filter(complaint_id=complaint_id, state=Clock.State.RUNNING).order_by("due_at").first()


def unconfirmed_platform_clocks(complaint: Complaint):
    """The platform clocks started on the consumer's word alone (not yet confirmed)."""
    return Clock.objects.filter(complaint=complaint, kind__in=PLATFORM_KINDS, start_confirmed_at__isnull=True)


def overdue_clocks(now: dt.datetime | None = None):
    """Running clocks past their due time (the partial index clock_running_due_idx)."""
    return Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=now or timezone.now())
