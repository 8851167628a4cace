"""Clocks follow the complaint's status: complaints.signals.status_changed, received
inside the transaction of the move (connected in EscalationConfig.ready)."""

import datetime as dt

from django.utils.dateparse import parse_datetime

from complaints.states import TERMINAL, Actor, Status

from . import clocks, ladder, solved
from .models import PLATFORM_KINDS, REGULATOR_KINDS, ClockKind, PlatformFiling


def on_status_changed(sender, *, complaint, source, target, actor, role, at, details, **kwargs):
    """Start, meet, pause, resume or stop the complaint's clocks for one move."""
    if target == Status.FORWARDED and source != Status.PLATFORM_RESPONDED:
        # Reached the platform: forwarded by staff, or the consumer says they complained
        # there themself (details: channel, at, ticket); the clocks start from that time.
        start_at = _as_datetime(details.get("at")) or at
        if details.get("channel"):
            PlatformFiling.objects.create(
                complaint=complaint,
                channel=details["channel"],
                filed_at=start_at,
                ticket=details.get("ticket", "")[:60],
            )
        # Staff forwarding it is a confirmed start; the consumer's word needs staff's check.
        clocks.start_platform_clocks(complaint, start_at, actor=actor, confirmed=role != Actor.CONSUMER)
    elif target == Status.NEEDS_INFO:
        clocks.pause_clocks(complaint, at)
    elif source == Status.NEEDS_INFO and target == Status.IN_REVIEW:
        clocks.resume_clocks(complaint, at)
    elif target == Status.PLATFORM_RESPONDED:
        clocks.meet_clocks(complaint, [ClockKind.FIRST_RESPONSE], at)
    elif target == Status.RESOLVED:
        # A resolution answers every outstanding step, the platform's and the regulator's;
        # the consumer is asked whether it is actually solved.
        clocks.meet_clocks(complaint, [*PLATFORM_KINDS, *REGULATOR_KINDS], at)
        solved.ask(complaint, now=at)
    elif target == Status.ESCALATED:
        # Every path to "escalated" (the ladder's first filing, a staff button) asks the
        # ladder whether the platform stage is over; a refusal rolls the move back.
        # Reopened on "not solved" (escalation.solved): it was escalated before.
        refused = "" if source == Status.RESOLVED else ladder.platform_stage_refusal(complaint, status=source, now=at)
        if refused:
            raise ladder.RouteClosed(refused)
        clocks.stop_clocks(complaint, at, kinds=PLATFORM_KINDS)
    elif target in TERMINAL:
        clocks.stop_clocks(complaint, at)


def _as_datetime(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None
