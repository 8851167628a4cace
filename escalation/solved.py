""" "Was it solved?": the consumer's own word on whether the problem is fixed (refund
received, goods replaced), asked when the complaint is marked resolved or a route's
outcome is recorded, asked again SOLVED_ASK_AGAIN_DAYS later if unanswered (by the
deadline sweep), and kept for the statistics (staff.stats). "Not solved" reopens the
ladder where it stands."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import language_of
from complaints import services as complaint_services
from complaints.recipients import recipient_for
from complaints.states import Actor, Status
from notifications.services import queue_email

from .models import EscalationFiling, SolvedQuestion


def ask_again_after() -> dt.timedelta:
    """ESCALATION_SOLVED_ASK_AGAIN_DAYS, read when used. Four weeks by default: long
    enough for a refund to arrive through the payment channel."""
    return dt.timedelta(days=getattr(settings, "ESCALATION_SOLVED_ASK_AGAIN_DAYS", 28))


def ask(complaint, *, now: dt.datetime | None = None, email: bool = True) -> SolvedQuestion:
    """Ask (again from the start) whether it is solved: on the page, and by email unless
    the caller's own email asks it (escalation.ladder.email_step_recorded). Called inside
    the transaction that resolved the complaint or recorded the outcome."""
    now = now or timezone.now()
    question, _created = SolvedQuestion.objects.update_or_create(
        complaint=complaint,
        defaults={"asked_at": now, "ask_again_at": now + ask_again_after(), "answered_at": None, "solved": None},
    )
    if email:
        _email(complaint, dedupe_key=f"solved:{complaint.pk}:{int(now.timestamp())}")
    return question


def ask_again_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Ask once more every unanswered question whose time has come. Each row is claimed
    with a conditional update (its ask_again_at cleared), so two sweeps never email twice."""
    now = now or timezone.now()
    due = list(
        SolvedQuestion.objects.filter(answered_at__isnull=True, ask_again_at__lte=now)
        .select_related("complaint__owner")
        .order_by("ask_again_at")[:limit]
    )
    asked = 0
    for question in due:
        with transaction.atomic():
            claimed = SolvedQuestion.objects.filter(
                pk=question.pk, answered_at__isnull=True, ask_again_at=question.ask_again_at
            ).update(ask_again_at=None)
            if claimed == 1:
                _email(
                    question.complaint, dedupe_key=f"solved-again:{question.pk}:{int(question.asked_at.timestamp())}"
                )
                asked += 1
    return asked


def pending_for(complaint) -> SolvedQuestion | None:
    return SolvedQuestion.objects.filter(complaint=complaint, answered_at__isnull=True).first()


def answer(complaint, *, solved: bool, actor, now: dt.datetime | None = None) -> SolvedQuestion:
    """Keep the consumer's answer and write it on the timeline. "Not solved" on a
    resolved complaint reopens it: escalated again if a route was taken, otherwise
    back to "platform responded", so the ladder's open routes are offered again."""
    now = now or timezone.now()
    with transaction.atomic():
        question = SolvedQuestion.objects.select_for_update().get(complaint=complaint)
        question.solved, question.answered_at, question.ask_again_at = solved, now, None
        question.save(update_fields=["solved", "answered_at", "ask_again_at"])
        text = _("I confirm the problem is solved.") if solved else _("The problem is not solved.")
        if not solved and complaint.status == Status.RESOLVED:
            took_a_route = EscalationFiling.objects.filter(complaint=complaint).exists()
            target = Status.ESCALATED if took_a_route else Status.PLATFORM_RESPONDED
            complaint_services.transition(complaint, target, actor=actor, role=Actor.CONSUMER, text=text)
        else:
            complaint_services.record_route_step(complaint, actor=actor, role=Actor.CONSUMER, text=text)
    return question


def _email(complaint, *, dedupe_key: str) -> None:
    to = recipient_for(complaint)
    if to is None:
        return
    queue_email(
        template="solved_question",
        to=to,
        language=language_of(complaint.owner) if complaint.owner_id else complaint.language,
        context={"complaint": complaint, "answer_url": complaint.get_absolute_url() + "#solved"},
        complaint=complaint,
        dedupe_key=dedupe_key,
    )
