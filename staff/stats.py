"""Statistics for the staff home and the public page, computed from indexed columns and
escalation's first-response clocks, cached for a few minutes.

"Timely" follows the US Consumer Financial Protection Bureau's published measure: the
share of complaints the company answered within the deadline. Here: among the
first-response clocks whose outcome is known (met, or past due), the share met on time.

Only what Tousu's staff stand behind is counted, so that no account can move a
platform's figures: clocks whose start is confirmed (staff forwarded the complaint, or
checked the consumer's own complaint to the platform; escalation.models.Clock.
start_confirmed_at), of complaints that were neither rejected nor withdrawn. The
public page's "received" counts those complaints too; the staff home's counts every
complaint Tousu received.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.functional import Promise

from complaints.models import Complaint
from complaints.states import Status
from escalation.clocks import local_day
from platforms.models import Platform

from . import conf

WEEKS = 12
WINDOW_DAYS = 365
# Complaints that never count in the figures: not a real case, or taken back.
NEVER_COUNTED = (Status.REJECTED, Status.WITHDRAWN)


@dataclass
class PlatformStats:
    platform: Platform
    received: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0
    response_days: list[int] = field(default_factory=list)
    # "Was it solved?" (escalation.solved): answers given, and how many said solved.
    solved_answers: int = 0
    confirmed_solved: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late

    @property
    def timely_share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def solved_share(self) -> float | None:
        """Among the complaints whose consumer answered, the share they confirm solved."""
        return self.confirmed_solved / self.solved_answers if self.solved_answers else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.response_days) if self.response_days else None


def status_counts() -> list[tuple[str, str | Promise, int]]:
    counts = dict(Complaint.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [(status.value, status.label, counts.get(status.value, 0)) for status in Status]


def platform_stats(now: dt.datetime, *, public: bool = False) -> list[PlatformStats]:
    """Per platform over the last WINDOW_DAYS: received, overdue now, first responses on
    time and late, working days to first response. `public`: "received" counts only
    complaints with a confirmed platform clock (see the module's docstring)."""
    since = now - dt.timedelta(days=WINDOW_DAYS)
    rows = {p.pk: PlatformStats(p) for p in Platform.objects.all()}
    received = Complaint.objects.filter(created_at__gte=since)
    if public:
        received = received.exclude(status__in=NEVER_COUNTED).filter(_has_confirmed_platform_clock())
    for platform_id, n in received.order_by().values_list("platform").annotate(n=Count("id")):
        rows[platform_id].received = n
    overdue = (
        Complaint.objects.filter(next_deadline_at__lt=now).order_by().values_list("platform").annotate(n=Count("id"))
    )
    for platform_id, n in overdue:
        rows[platform_id].overdue = n
    for platform_id, state, started, due, met, stopped in _first_response_clocks(since):
        row = rows[platform_id]
        if state == "met" and met is not None:
            row.response_days.append(_working_days(started, met))
            if met <= due:
                row.on_time += 1
            else:
                row.late += 1
        elif due < (stopped or now):
            row.late += 1
    for platform_id, answered, solved in _solved_answers(since, public=public):
        rows[platform_id].solved_answers, rows[platform_id].confirmed_solved = answered, solved
    return list(rows.values())


def _solved_answers(since, *, public: bool):
    """(platform, answers, answers "solved") of counted complaints received since `since`;
    the public page counts only complaints with a confirmed platform clock."""
    from escalation.models import PLATFORM_KINDS, Clock, SolvedQuestion

    answers = SolvedQuestion.objects.filter(answered_at__isnull=False, complaint__created_at__gte=since).exclude(
        complaint__status__in=NEVER_COUNTED
    )
    if public:
        answers = answers.filter(
            Exists(
                Clock.objects.filter(
                    complaint=OuterRef("complaint_id"), kind__in=PLATFORM_KINDS, start_confirmed_at__isnull=False
                )
            )
        )
    return (
        answers.order_by()
        .values("complaint__platform")
        .annotate(answered=Count("id"), solved=Count("id", filter=Q(solved=True)))
        .values_list("complaint__platform", "answered", "solved")
    )


def _has_confirmed_platform_clock():
    from escalation.models import PLATFORM_KINDS, Clock

    return Exists(
        Clock.objects.filter(complaint=OuterRef("pk"), kind__in=PLATFORM_KINDS, start_confirmed_at__isnull=False)
    )


def _first_response_clocks(since):
    """Confirmed first-response clocks started since `since`, of counted complaints
    (the partial index clock_confirmed_first_idx)."""
    from escalation.models import Clock, ClockKind

    return (
        Clock.objects.filter(kind=ClockKind.FIRST_RESPONSE, start_confirmed_at__isnull=False, started_at__gte=since)
        .exclude(complaint__status__in=NEVER_COUNTED)
        .order_by()
        .values_list("complaint__platform_id", "state", "started_at", "due_at", "met_at", "stopped_at")
        .iterator(chunk_size=5000)
    )


def _working_days(start: dt.datetime, end: dt.datetime) -> int:
    from escalation.workdays import working_days_between

    return working_days_between(local_day(start), local_day(end))


def weekly_received(now: dt.datetime, weeks: int = WEEKS) -> list[tuple[dt.date, int]]:
    """Complaints received in each of the last `weeks` weeks (Monday to Sunday, Beijing),
    the current week last; one query."""
    today = local_day(now)
    monday = today - dt.timedelta(days=today.weekday())
    starts = [monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    tz = timezone.get_current_timezone()
    bounds = [dt.datetime.combine(day, dt.time(0), tzinfo=tz) for day in [*starts, monday + dt.timedelta(weeks=1)]]
    aggregates = {
        f"w{i}": Count("id", filter=Q(created_at__gte=bounds[i], created_at__lt=bounds[i + 1])) for i in range(weeks)
    }
    counts = Complaint.objects.filter(created_at__gte=bounds[0], created_at__lt=bounds[-1]).aggregate(**aggregates)
    return [(start, counts[f"w{i}"]) for i, start in enumerate(starts)]


def staff_dashboard(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    key = f"staff:dashboard:{translation.get_language()}"
    data = cache.get(key)
    if data is None:
        data = {
            "statuses": status_counts(),
            "platforms": [
                row for row in platform_stats(now) if row.received or row.overdue or row.decided or row.solved_answers
            ],
            "weeks": weekly_received(now),
            "computed_at": now,
        }
        cache.set(key, data, conf.STATS_CACHE_SECONDS)
    return data


def public_statistics(now: dt.datetime | None = None) -> dict:
    """The league table: platforms with at least PUBLIC_STATS_MIN_COMPLAINTS received,
    best timely share first. Aggregates only."""
    now = now or timezone.now()
    key = f"staff:public:{translation.get_language()}"
    data = cache.get(key)
    if data is None:
        rows = [row for row in platform_stats(now, public=True) if row.received >= conf.PUBLIC_STATS_MIN_COMPLAINTS]
        rows.sort(key=lambda row: (-(row.timely_share or 0), row.median_days or 0, -row.received))
        data = {"rows": rows, "minimum": conf.PUBLIC_STATS_MIN_COMPLAINTS, "computed_at": now}
        cache.set(key, data, conf.STATS_CACHE_SECONDS)
    return data
