"""The writers of clocks: start, meet, pause, resume, stop, confirm a start, and the
one function that keeps Complaint.next_deadline_at in step with them. The arithmetic
(due times, reminders) is escalation.clocks', pure; these are called by the other
actions (a status move, a route step, an erasure) inside their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from complaints.models import Complaint
from escalation import workdays
from escalation.clocks import (
    LIVE,
    compute_due,
    end_of_day,
    first_reminder,
    local_day,
    next_running_clock,
    platform_policies,
    route_policy,
    unconfirmed_platform_clocks,
)
from escalation.models import Clock, DeadlinePolicy, Unit

from . import Person, action


@action
def start_clock(
    complaint: Complaint,
    policy: DeadlinePolicy,
    start_at: dt.datetime,
    *,
    actor: Person = None,
    confirmed: bool = False,
) -> Clock | None:
    """Start `policy`'s clock for `complaint` unless one of that kind is already live.
    `confirmed`: staff stand behind the start time (see Clock.start_confirmed_at)."""
    if not policy.runs or Clock.objects.filter(complaint=complaint, kind=policy.kind, state__in=LIVE).exists():
        return None
    now = timezone.now()
    expected_at, due_at, provisional = compute_due(policy, start_at)
    provisional = provisional or bool(policy.provisional_reason)
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


@action
def start_platform_clocks(
    complaint: Complaint, start_at: dt.datetime, *, actor: Person = None, confirmed: bool = False
) -> list[Clock]:
    """The complaint reached the platform: its first-response and resolution clocks run."""
    started = [
        start_clock(complaint, p, start_at, actor=actor, confirmed=confirmed) for p in platform_policies(complaint)
    ]
    refresh_next_deadline(complaint.pk)
    return [c for c in started if c]


@action
def start_route_clock(complaint: Complaint, kind: str, start_at: dt.datetime, *, actor: Person = None) -> Clock | None:
    """A route after the platform starts its clock (escalation.ladder.EFFECTS): ODR
    negotiation, 12315 acceptance or mediation, the association check-in."""
    policy = route_policy(kind, complaint.created_at)
    clock = start_clock(complaint, policy, start_at, actor=actor) if policy is not None else None
    refresh_next_deadline(complaint.pk)
    return clock


@action
def meet_clocks(complaint: Complaint, kinds: Iterable[str], at: dt.datetime) -> int:
    changed = Clock.objects.filter(complaint=complaint, kind__in=kinds, state__in=LIVE).update(
        state=Clock.State.MET, met_at=at, next_reminder_at=None
    )
    refresh_next_deadline(complaint.pk)
    return changed


@action
def stop_clocks(complaint: Complaint, at: dt.datetime, kinds: Iterable[str] | None = None) -> int:
    """No more reminders: the complaint was escalated, withdrawn, rejected or closed."""
    clocks = Clock.objects.filter(complaint=complaint, state__in=LIVE)
    if kinds is not None:
        clocks = clocks.filter(kind__in=kinds)
    changed = clocks.update(state=Clock.State.STOPPED, stopped_at=at, next_reminder_at=None)
    refresh_next_deadline(complaint.pk)
    return changed


@action
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


@action
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


@action
def refresh_next_deadline(complaint_id: int) -> None:
    """The one writer of Complaint.next_deadline_at / next_deadline_provisional: the
    earliest running clock's due time, or nothing when no clock runs."""
    clock = next_running_clock(complaint_id)
    Complaint.objects.filter(pk=complaint_id).update(
        next_deadline_at=clock.due_at if clock else None,
        next_deadline_provisional=clock.provisional if clock else False,
    )


@action
def confirm_platform_clock_starts(complaint: Complaint, *, actor: Person, at: dt.datetime | None = None) -> int:
    """Staff checked the consumer's own complaint to the platform (ticket, screenshot):
    its clocks' start now counts in the public statistics. Returns how many changed."""
    changed: int = unconfirmed_platform_clocks(complaint).update(
        start_confirmed_at=at or timezone.now(), start_confirmed_by=actor
    )
    return changed
