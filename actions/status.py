"""Status moves, and what each does to the clocks.

The one place a complaint's status changes. The clock effects and the escalation
guard used to be a signal receiver in escalation; here they are steps of the move, so
a reader sees every consequence of a status change in one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from complaints import states
from complaints.models import Complaint, TimelineEvent
from complaints.states import TERMINAL, Actor, ComplaintChanged, Status, TransitionNotAllowed
from escalation import display, ladder
from escalation.models import PLATFORM_KINDS, REGULATOR_KINDS, Clock, ClockKind, PlatformFiling

from . import Person, action, clocks, solved
from .notify import MOMENT_STATUS, tell_consumer
from .timeline import record_event


@dataclass(frozen=True)
class PlatformReached:
    """How the complaint reached the platform, for a move to FORWARDED: staff forwarded
    it through a channel, or the consumer says they complained there themself."""

    channel: str  # escalation.models.PlatformFiling.Channel
    at: dt.datetime | None = None  # when; None: at the move
    ticket: str = ""  # the platform's ticket number, if the consumer has one


@action
def transition(
    complaint: Complaint,
    target: str,
    *,
    actor: Person,
    role: str,
    text: str = "",
    reached: PlatformReached | None = None,
    email: bool = True,
) -> Complaint:
    """Move `complaint` to `target` if the state machine lets `role` do it.

    1. Check the move in complaints.states, and a move to ESCALATED with the ladder
       (escalation.ladder.platform_stage_refusal: the platform stage must be over).
    2. Write the new status with a conditional update on the old one, so two people
       acting at once cannot both move it.
    3. Record the move on the timeline, move the clocks (_move_clocks) and, when staff
       or the system made it, tell the consumer. `email=False`: the caller tells the
       consumer about the whole change itself (actions.routes.record_step).
    """
    source = complaint.status
    if not states.allowed(source, target, role):
        raise TransitionNotAllowed(source, target)
    now = timezone.now()
    if target == Status.ESCALATED and source != Status.RESOLVED:
        # Every path to "escalated" (the ladder's first filing, a staff button) asks the
        # ladder; reopened on "not solved" (actions.solved), it was escalated before.
        refused = ladder.platform_stage_refusal(complaint, status=source, now=now)
        if refused:
            raise ladder.RouteClosed(refused)
    changed = Complaint.objects.filter(pk=complaint.pk, status=source).update(
        status=target, status_changed_at=now, updated_at=now
    )
    if changed != 1:
        raise ComplaintChanged(complaint.reference)
    complaint.status, complaint.status_changed_at = target, now
    record_event(
        complaint,
        TimelineEvent.Kind.STATUS_CHANGED,
        actor=actor,
        role=role,
        from_status=source,
        to_status=target,
        text=text,
        at=now,
    )
    _move_clocks(complaint, source, target, actor=actor, role=role, at=now, reached=reached)
    if role != Actor.CONSUMER and email:
        tell_of_move(complaint, source, target, text=text, at=now)
    elif target == Status.RESOLVED and role == Actor.CONSUMER:
        # The consumer resolved it themselves: no status message, so the question goes alone.
        solved.email_question(complaint, at=now)
    return complaint


def tell_of_move(complaint: Complaint, source: str, target: str, *, text: str, at: dt.datetime) -> None:
    """The consumer's message about a move staff or the system made: one message for the
    moves of a moment (a claim and the forward after it; notify.MOMENT_STATUS), its
    steps listed. Reaching the platform lists the deadlines that now run, in words;
    resolving asks "Was it solved?" in the same message, so the question never comes
    before (or without) the news that it was resolved."""
    context = {
        "source": Status(source).label,
        "target": Status(target).label,
        "text": text,
        "target_status": target,
        "ask_solved": target == Status.RESOLVED,
        "answer_url": complaint.get_absolute_url() + "#solved",
    }
    tell_consumer(
        complaint,
        "status_changed",
        dedupe_key=f"status_changed:{complaint.pk}:{at.timestamp()}",
        build_context=lambda: {
            **context,
            "deadlines": running_deadlines(complaint) if target == Status.FORWARDED else [],
        },
        moment=MOMENT_STATUS,
        facts={"steps": [Status(target).label], "notes": [text]},
    )


def running_deadlines(complaint: Complaint) -> list[str]:
    """Who must do what by when, one sentence per running clock, soonest first
    (escalation.display.sentence), in the language active when called."""
    clocks = (
        Clock.objects.filter(complaint=complaint, state=Clock.State.RUNNING)
        .select_related("policy", "complaint__platform")
        .order_by("due_at", "id")
    )
    return [display.sentence(clock) for clock in clocks]


@action
def withdraw(complaint: Complaint, *, actor: Person, reason: str = "") -> Complaint:
    return transition(complaint, Status.WITHDRAWN, actor=actor, role=Actor.CONSUMER, text=reason)


def _move_clocks(
    complaint: Complaint,
    source: str,
    target: str,
    *,
    actor: Person,
    role: str,
    at: dt.datetime,
    reached: PlatformReached | None,
) -> None:
    """Start, meet, pause, resume or stop the complaint's clocks for one move."""
    if target == Status.FORWARDED and source != Status.PLATFORM_RESPONDED:
        # Reached the platform: the clocks start from that time.
        start_at = (reached.at if reached else None) or at
        if reached is not None:
            PlatformFiling.objects.create(
                complaint=complaint, channel=reached.channel, filed_at=start_at, ticket=reached.ticket[:60]
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
        # Asked on the page; the message is the resolution's own (tell_of_move).
        solved.ask(complaint, now=at, email=False)
    elif target == Status.ESCALATED:
        clocks.stop_clocks(complaint, at, kinds=PLATFORM_KINDS)
    elif target in TERMINAL:
        clocks.stop_clocks(complaint, at)
