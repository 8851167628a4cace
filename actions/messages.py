"""Messages on the timeline, and steps that change no status."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import states
from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status, TransitionNotAllowed
from escalation.models import EscalationFiling, SolvedQuestion

from . import Person, action, respondents
from .notify import tell_consumer
from .replies import consumer_replied
from .status import transition
from .timeline import record_event


@action
def record_route_step(complaint: Complaint, *, actor: Person, role: str, text: str) -> TimelineEvent:
    """A step on a route after the platform that does not change the status (12315's
    decision, the end of mediation, a second body): one timeline event. The caller
    (actions.routes.record_step) holds the complaint's row lock and checked the step."""
    return record_event(complaint, TimelineEvent.Kind.ROUTE_STEP, actor=actor, role=role, text=text)


@action
def post_message(
    complaint: Complaint, *, actor: Person, role: str, text: str, staff_only: bool = False
) -> TimelineEvent:
    """A message on the timeline: from the consumer, from staff to the consumer, or an
    internal note (staff_only) the consumer never sees."""
    if role == Actor.CONSUMER and staff_only:
        raise ValueError("consumers cannot write internal notes")
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if role == Actor.CONSUMER and locked.status in states.TERMINAL:
        raise TransitionNotAllowed(locked.status)
    kind = TimelineEvent.Kind.NOTE if staff_only else TimelineEvent.Kind.MESSAGE
    event = record_event(locked, kind, actor=actor, role=role, text=text, staff_only=staff_only)
    if role == Actor.CONSUMER:
        consumer_replied(locked, actor)
    elif not staff_only:
        tell_consumer(locked, "new_message", {"text": text}, dedupe_key=f"new_message:{locked.pk}:{event.pk}")
    complaint.status = locked.status
    return event


@action
def answer_solved(
    complaint: Complaint, *, solved: bool, actor: Person, reason: str = "", now: dt.datetime | None = None
) -> SolvedQuestion:
    """Keep the consumer's answer and write it on the timeline. "Not solved" on a
    resolved complaint reopens it: escalated again if a route was taken, otherwise
    back to "platform responded", so the ladder's open routes are offered again."""
    now = now or timezone.now()
    question = SolvedQuestion.objects.select_for_update().get(complaint=complaint)
    question.solved, question.answered_at, question.ask_again_at = solved, now, None
    question.save(update_fields=["solved", "answered_at", "ask_again_at"])
    text = _("I confirm the problem is solved.") if solved else _("The problem is not solved.")
    if reason:
        text = f"{text}\n{reason}"
    if not solved and complaint.status == Status.RESOLVED:
        took_a_route = EscalationFiling.objects.filter(complaint=complaint).exists()
        target = Status.ESCALATED if took_a_route else Status.PLATFORM_RESPONDED
        transition(complaint, target, actor=actor, role=Actor.CONSUMER, text=text)
        # The respondent that answered hears the consumer disputes it.
        respondents.consumer_changed(complaint, event=respondents.EVENT_DISPUTED, now=now)
    else:
        record_route_step(complaint, actor=actor, role=Actor.CONSUMER, text=text)
    return question
