"""Where a complaint stands, for the top of its page: who is on the clock and until
when, in words, how far past it is, and the one next action the ladder allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.states import Status

from . import display, ladder, solved
from .models import Clock


@dataclass(frozen=True)
class NextAction:
    """The one thing the consumer can do next, and where."""

    key: str  # "solved", "escalate", "record_answer"
    label: str
    url: str


@dataclass(frozen=True)
class Standing:
    """Who is on the clock and until when, in words, and the consumer's next action."""

    sentence: str = ""  # "拼多多须在12月10日（周四）当天结束前答复"
    overdue: str = ""  # "已逾期 7 个工作日"
    paused: bool = False
    next_action: NextAction | None = None


def standing(complaint, now: dt.datetime | None = None) -> Standing:
    """The complaint page's first lines (issue 24): the live deadline that comes first,
    how far past it is, and the one next action the ladder allows now. A complaint
    waiting for the consumer's answer has its question at the top instead (complaints)."""
    now = now or timezone.now()
    clock = (
        Clock.objects.filter(complaint=complaint, state__in=(Clock.State.RUNNING, Clock.State.PAUSED))
        .select_related("policy", "complaint__platform")
        .order_by("due_at", "id")
        .first()
    )
    sentence = overdue = ""
    paused = False
    if clock is not None:
        clock.complaint = complaint
        sentence = display.sentence(clock)
        paused = clock.state == Clock.State.PAUSED
        overdue = display.overdue_for(clock, now)
    if complaint.status == Status.NEEDS_INFO:
        return Standing(sentence, overdue, paused, None)
    return Standing(sentence, overdue, paused, _next_action(complaint, now))


def _next_action(complaint, now) -> NextAction | None:
    if solved.pending_for(complaint) is not None:
        return NextAction("solved", _("Tell us whether it is solved"), complaint.get_absolute_url() + "#solved")
    if complaint.status == Status.FORWARDED and not ladder.may_escalate(complaint, now=now):
        return NextAction(
            "record_answer",
            _("The platform answered you? Record its answer"),
            reverse("escalation:platform_answered", args=[complaint.reference]),
        )
    if complaint.status in (Status.FORWARDED, Status.PLATFORM_RESPONDED) and ladder.may_escalate(complaint, now=now):
        return NextAction(
            "escalate",
            _("Escalate: get your 12315 / consumer association packet"),
            reverse("escalation:packet_start", args=[complaint.reference]),
        )
    if complaint.status == Status.ESCALATED:
        return NextAction("escalate", _("See where each route stands"), complaint.get_absolute_url() + "#ladder")
    return None
