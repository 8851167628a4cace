""" "Was it solved?": the consumer's own word on whether the problem is fixed (refund
received, goods replaced), asked when the complaint is marked resolved or a route's
outcome is recorded, asked again SOLVED_ASK_AGAIN_DAYS later if unanswered (by the
deadline sweep), and kept for the statistics (staff.stats). "Not solved" reopens the
ladder where it stands."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from .models import SolvedQuestion


def ask_again_after() -> dt.timedelta:
    """ESCALATION_SOLVED_ASK_AGAIN_DAYS, read when used. Four weeks by default: long
    enough for a refund to arrive through the payment channel."""
    return dt.timedelta(days=getattr(settings, "ESCALATION_SOLVED_ASK_AGAIN_DAYS", 28))


def pending_for(complaint) -> SolvedQuestion | None:
    return SolvedQuestion.objects.filter(complaint=complaint, answered_at__isnull=True).first()
