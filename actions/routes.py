"""Recording a step on a route after the platform (12315, a consumer association, a
court). The rules (what may be recorded, in which order, and what each step does to
the clocks) are escalation.ladder's; this is the one function that writes a step."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.states import Actor, Status
from escalation import clocks as clock_rules
from escalation.ladder import (
    BODY_OF_ROUTE,
    EFFECTS,
    OUTCOMES,
    ROUTE_OF_KIND,
    Effect,
    RouteClosed,
    StepDateRefused,
    _recorded,
    date_refusal,
    refusal,
    step_text,
)
from escalation.models import ClockKind, EscalationFiling, Route, StepKind

from . import Person, action, clocks, solved
from .messages import record_route_step
from .notify import tell_consumer
from .status import transition


@action
def record_step(
    complaint: Complaint,
    route: str,
    step: str,
    *,
    on: dt.date,
    actor: Person,
    role: str,
    reference: str = "",
    reason: str = "",
) -> EscalationFiling:
    """Record one step, or raise RouteClosed with the reason.

    1. Lock the complaint's row and ask `refusal` (so two submissions of one form
       cannot both pass), then `date_refusal` (StepDateRefused: nothing is written).
    2. The first filing after the platform moves the complaint to "escalated"
       (actions.status.transition: timeline event, platform clocks stopped);
       any other step is one timeline event (actions.messages.record_route_step).
    3. Write the step and apply its Effect to the clocks, counted from the step's day.
    """
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    recorded = _recorded(locked)
    reason_refused = refusal(locked, route, step, recorded=recorded)
    if reason_refused:
        raise RouteClosed(reason_refused)
    date_refused = date_refusal(locked, route, step, on, recorded=recorded)
    if date_refused:
        raise StepDateRefused(date_refused)
    text = step_text(route, step, on=on, reference=reference, reason=reason)
    if step == StepKind.FILED and locked.status != Status.ESCALATED:
        # No status email: a step staff record gets its own, with the next deadline.
        transition(locked, Status.ESCALATED, actor=actor, role=role, text=text, email=False)
    else:
        record_route_step(locked, actor=actor, role=role, text=text)
    try:
        with transaction.atomic():
            filing = EscalationFiling.objects.create(
                complaint=locked,
                route=route,
                step=step,
                body=BODY_OF_ROUTE[route],
                reference=reference[:60],
                reason=reason[:300],
                filed_on=on,
                recorded_by=actor if getattr(actor, "pk", None) else None,
                recorded_role=role,
            )
    except IntegrityError as error:  # the unique step constraint: recorded meanwhile
        raise RouteClosed(_("Already recorded.")) from error
    apply_effect(locked, EFFECTS[(route, step)], on=on, actor=actor)
    outcome = step in OUTCOMES
    staff_recorded = role != Actor.CONSUMER
    if outcome:
        # A route's outcome: did it actually solve the problem? (actions.solved)
        # When staff recorded it, the step's email asks too: one email, not two.
        solved.ask(locked, email=not staff_recorded)
    if staff_recorded:
        # Staff recorded it for the consumer (say, a letter from 12315 they mailed in).
        email_step_recorded(locked, filing, ask_solved=outcome)
    complaint.status = locked.status
    return filing


# Rendered in the recipient's language when the email is rendered (queue_email).
_lazy_step_text = lazy(step_text, str)


def email_step_recorded(complaint: Complaint, filing: EscalationFiling, *, ask_solved: bool = False) -> None:
    """Tell the consumer what staff recorded for them and the complaint's next deadline
    (its earliest running clock), through actions.notify.tell_consumer: only to an
    address the consumer confirmed, and nothing beyond what the timeline shows.
    `ask_solved`: the step is an outcome, so the email also asks "Was it solved?"."""
    clock = clock_rules.next_running_clock(complaint.pk)
    deadline = None
    if clock is not None:
        deadline = {
            "label": ClockKind(clock.kind).label,
            "route": Route(ROUTE_OF_KIND[clock.kind]).label,
            "date": clock_rules.local_day(clock.due_at).isoformat(),
            "provisional": clock.provisional,
        }
    text = _lazy_step_text(
        filing.route, filing.step, on=filing.filed_on, reference=filing.reference, reason=filing.reason
    )
    tell_consumer(
        complaint,
        "route_step_recorded",
        {"text": text, "deadline": deadline, "ask_solved": ask_solved},
        dedupe_key=f"route_step:{filing.pk}",
    )


def apply_effect(complaint: Complaint, effect: Effect, *, on: dt.date, actor: Person = None) -> None:
    # Filed, accepted or ended at some point of that day: count from the day, as the
    # regulator does (the working days start the day after).
    at = clock_rules.end_of_day(on) - dt.timedelta(hours=12)
    if effect.meet:
        clocks.meet_clocks(complaint, effect.meet, at)
    if effect.stop:
        clocks.stop_clocks(complaint, at, kinds=effect.stop)
    if effect.start:
        clocks.start_route_clock(complaint, effect.start, at, actor=actor)
