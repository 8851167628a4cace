"""Public accountability: how each respondent answers the complaints delivered to it.

For respondents with at least PUBLIC_STATS_MIN_COMPLAINTS delivered in the last 90
days: complaints delivered, share answered on time, median working hours to the first
answer, share the consumer confirmed solved, share disputed. A platform's figures
include its shops'. Only deliveries count (a delivery is a start the system stands
behind), never an answer staff recorded from outside Tousu, and never rejected or
withdrawn complaints. No complaint text is public.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status
from escalation.models import Clock, ClockKind
from escalation.workdays import working_hours_between
from platforms.models import Platform
from staff import conf as staff_conf

from .models import RESOLVING, Answer, Delivery, Organisation

WINDOW = dt.timedelta(days=90)
NEVER_COUNTED = (Status.REJECTED, Status.WITHDRAWN)


@dataclass
class RespondentFigures:
    organisation: Organisation
    delivered: int = 0
    on_time: int = 0
    late: int = 0
    hours_to_first_answer: list[float] = field(default_factory=list)
    solved_answers: int = 0
    confirmed_solved: int = 0
    resolving_answered: int = 0
    disputed: int = 0

    @property
    def timely_share(self) -> float | None:
        decided = self.on_time + self.late
        return self.on_time / decided if decided else None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours_to_first_answer) if self.hours_to_first_answer else None

    @property
    def solved_share(self) -> float | None:
        return self.confirmed_solved / self.solved_answers if self.solved_answers else None

    @property
    def disputed_share(self) -> float | None:
        return self.disputed / self.resolving_answered if self.resolving_answered else None

    @property
    def is_public(self) -> bool:
        return self.delivered >= staff_conf.PUBLIC_STATS_MIN_COMPLAINTS


def _counted_organisations(organisation: Organisation) -> Q:
    """A platform counts its shops' deliveries too."""
    if organisation.kind == Organisation.Kind.PLATFORM:
        return Q(organisation=organisation) | Q(
            organisation__platform_id=organisation.platform_id, organisation__kind=Organisation.Kind.SHOP
        )
    return Q(organisation=organisation)


def figures_for(organisation: Organisation, now: dt.datetime | None = None) -> RespondentFigures:
    """1. The deliveries of the last 90 days (the organisation's, and its shops').
    2. On time: first answered by the first-response deadline; late: answered after
       it, or not answered and past it. Still running: not counted either way.
    3. Hours to the first answer, in working hours (escalation.workdays).
    4. Solved and disputed from "Was it solved?" after a resolving answer."""
    now = now or timezone.now()
    deliveries = list(
        Delivery.objects.filter(_counted_organisations(organisation), delivered_at__gte=now - WINDOW)
        .exclude(complaint__status__in=NEVER_COUNTED)
        .values("complaint_id", "delivered_at", "first_answer_at", "first_answer_timely")
    )
    figures = RespondentFigures(organisation, delivered=len(deliveries))
    complaint_ids = [row["complaint_id"] for row in deliveries]
    first_due = dict(
        Clock.objects.filter(complaint_id__in=complaint_ids, kind=ClockKind.FIRST_RESPONSE)
        .order_by("complaint_id", "started_at")
        .values_list("complaint_id", "due_at")
    )
    for row in deliveries:
        if row["first_answer_at"] is not None:
            if row["first_answer_timely"]:
                figures.on_time += 1
            else:
                figures.late += 1
            figures.hours_to_first_answer.append(working_hours_between(row["delivered_at"], row["first_answer_at"]))
        elif (due := first_due.get(row["complaint_id"])) and due < now:
            figures.late += 1
    resolved = set(
        Answer.objects.filter(complaint_id__in=complaint_ids, kind__in=RESOLVING, off_tousu=False).values_list(
            "complaint_id", flat=True
        )
    )
    figures.resolving_answered = len(resolved)
    for complaint_id, solved in Complaint.objects.filter(
        pk__in=complaint_ids, solved_question__answered_at__isnull=False
    ).values_list("pk", "solved_question__solved"):
        figures.solved_answers += 1
        figures.confirmed_solved += bool(solved)
        if complaint_id in resolved and solved is False:
            figures.disputed += 1
    return figures


@dataclass
class NotJoined:
    platform: Platform
    undeliverable: int


def public_table(now: dt.datetime | None = None) -> dict:
    """The /stats/ table: joined platforms (with their shops) that have enough
    deliveries, best on-time share first; and platforms not on Tousu, with how many
    complaints could not be delivered to them in 90 days."""
    cached = cache.get(PUBLIC_TABLE_CACHE_KEY) if now is None else None
    if cached is not None:
        return cached
    now = now or timezone.now()
    joined = Organisation.objects.filter(kind=Organisation.Kind.PLATFORM, joined_at__isnull=False).select_related(
        "platform"
    )
    rows = [figures for figures in (figures_for(o, now) for o in joined) if figures.is_public]
    rows.sort(key=lambda f: (-(f.timely_share or 0), f.median_hours or 0, -f.delivered))
    joined_platforms = {o.platform_id for o in joined}
    not_joined = []
    for platform in Platform.objects.filter(active=True).exclude(pk__in=joined_platforms).order_by("sort_order"):
        # Only complaints staff have reviewed (moved at least once): filing costs an
        # account nothing, so unreviewed ones would let anyone inflate the count.
        reviewed = TimelineEvent.objects.filter(
            complaint=OuterRef("pk"), kind=TimelineEvent.Kind.STATUS_CHANGED, actor_role=Actor.STAFF
        )
        count = (
            Complaint.objects.filter(platform=platform, created_at__gte=now - WINDOW, deliveries__isnull=True)
            .exclude(status__in=NEVER_COUNTED)
            .filter(Exists(reviewed))
            .count()
        )
        not_joined.append(NotJoined(platform, count))
    table = {"rows": rows, "not_joined": not_joined, "minimum": staff_conf.PUBLIC_STATS_MIN_COMPLAINTS}
    cache.set(PUBLIC_TABLE_CACHE_KEY, table, staff_conf.STATS_CACHE_SECONDS)
    return table


PUBLIC_TABLE_CACHE_KEY = "respondents:public-table"
