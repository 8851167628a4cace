"""Asking "Was it solved?" and taking the consumer's answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from complaints.models import Complaint
from escalation.models import SolvedQuestion
from escalation.solved import ask_again_after

from . import action
from .notify import tell_consumer


@action
def ask(complaint: Complaint, *, now: dt.datetime | None = None, email: bool = True) -> SolvedQuestion:
    """Ask (again from the start) whether it is solved: on the page, and by email unless
    the caller's own email asks it (actions.routes.email_step_recorded). Called inside
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
        asked += _ask_again(question)
    return asked


@action
def _ask_again(question: SolvedQuestion) -> int:
    claimed = SolvedQuestion.objects.filter(
        pk=question.pk, answered_at__isnull=True, ask_again_at=question.ask_again_at
    ).update(ask_again_at=None)
    if claimed == 1:
        _email(question.complaint, dedupe_key=f"solved-again:{question.pk}:{int(question.asked_at.timestamp())}")
    return claimed


def email_question(complaint: Complaint, *, at: dt.datetime) -> None:
    """The question by itself, when no message about the resolution carries it (the
    consumer resolved it themselves)."""
    _email(complaint, dedupe_key=f"solved:{complaint.pk}:{int(at.timestamp())}")


def _email(complaint: Complaint, *, dedupe_key: str) -> None:
    tell_consumer(
        complaint, "solved_question", {"answer_url": complaint.get_absolute_url() + "#solved"}, dedupe_key=dedupe_key
    )
