"""The daily digest of overdue cases for staff: one per assignee, one for the unassigned.

escalation.tasks.send_staff_digest runs hourly; the digest goes out once per Beijing
day after conf.REMINDER_TIME, de-duplicated by the outbox's dedupe_key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import language_of
from complaints import access
from notifications.services import queue_email

from . import clocks, conf, workdays


def overdue_by_assignee(now: dt.datetime) -> dict:
    """{assignee or None: [(complaint, [overdue clocks])...]}, most overdue first.

    An assignee who may no longer read complaints (complaints.access: a role taken
    away, an account disabled) gets no digest; their cases go to the team's, as if
    unassigned, so nobody misses them."""
    grouped: dict = defaultdict(dict)
    may_read: dict = {}
    overdue = (
        clocks.overdue_clocks(now)
        .select_related("complaint__assignee", "complaint__platform", "policy")
        .order_by("due_at", "id")
    )
    for clock in overdue:
        complaint = clock.complaint
        assignee = complaint.assignee
        if assignee is not None:
            if assignee.pk not in may_read:
                may_read[assignee.pk] = access.staff_may_view_complaints(assignee)
            assignee = assignee if may_read[assignee.pk] else None
        grouped[assignee].setdefault(complaint.pk, (complaint, []))[1].append(clock)
    return {assignee: list(cases.values()) for assignee, cases in grouped.items()}


def send_staff_digest(now: dt.datetime | None = None) -> int:
    """Queue today's digests; returns how many were new. Nothing before REMINDER_TIME."""
    now = now or timezone.now()
    local_now = timezone.localtime(now, conf.SHANGHAI)
    if local_now.time() < conf.REMINDER_TIME:
        return 0
    day = local_now.date()
    calendar = workdays.get_calendar()
    queued = 0
    for assignee, cases in overdue_by_assignee(now).items():
        if assignee is not None:
            recipients = [(assignee.email, language_of(assignee), f"digest:{day}:{assignee.pk}")]
        else:
            recipients = [
                (email, settings.LANGUAGE_CODE, f"digest:{day}:unassigned:{email}")
                for email in settings.STAFF_NOTIFICATION_EMAILS
            ]
        for to, language, key in recipients:
            if not to:
                continue
            context = {
                "day": day,
                "assignee": assignee,
                "cases": [
                    {
                        "complaint": complaint,
                        "admin_url": reverse("admin:complaints_complaint_change", args=[complaint.pk]),
                        "clocks": [
                            {
                                "clock": c,
                                "due_day": timezone.localtime(c.due_at, conf.SHANGHAI).date(),
                                "late_days": calendar.working_days_between(
                                    timezone.localtime(c.due_at, conf.SHANGHAI).date(), day
                                ),
                            }
                            for c in case_clocks
                        ],
                    }
                    for complaint, case_clocks in cases
                ],
                "provisional_count": sum(c.provisional for _c, cl in cases for c in cl),
                "known_until": calendar.known_until,
            }
            queued += bool(
                queue_email(template="staff_digest", to=to, language=language, context=context, dedupe_key=key)
            )
    return queued
