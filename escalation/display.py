"""How clocks read to people: one sentence per deadline, as a date in Beijing time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from core.parties import Party

from . import conf
from .models import Clock, ClockKind, Unit

SENTENCES: dict[str, Callable[[], str]] = {
    ClockKind.FIRST_RESPONSE: lambda: _("%(body)s must reply by %(when)s"),
    ClockKind.RESOLUTION: lambda: _("%(body)s must resolve it by %(when)s"),
    ClockKind.ACCEPTANCE: lambda: _("%(body)s must decide whether to accept it by %(when)s"),
    ClockKind.MEDIATION: lambda: _("%(body)s mediation ends by %(when)s"),
    ClockKind.ASSOCIATION: lambda: _("Check in with %(body)s by %(when)s"),
    ClockKind.ODR: lambda: _("The ODR negotiation on 12315 ends by %(when)s"),
}


# Short weekday names, Monday first ("周四" beside a date reads as Chinese writes it).
WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


MONTHS = (
    pgettext_lazy("month", "Jan"),
    pgettext_lazy("month", "Feb"),
    pgettext_lazy("month", "Mar"),
    pgettext_lazy("month", "Apr"),
    pgettext_lazy("month", "May"),
    pgettext_lazy("month", "Jun"),
    pgettext_lazy("month", "Jul"),
    pgettext_lazy("month", "Aug"),
    pgettext_lazy("month", "Sep"),
    pgettext_lazy("month", "Oct"),
    pgettext_lazy("month", "Nov"),
    pgettext_lazy("month", "Dec"),
)


def day_in_words(day: dt.date, *, today: dt.date | None = None) -> str:
    """A day as people say it: "12月10日（周四）" / "Thu 10 Dec"; with the year when it
    is not this year in Beijing ("2027年1月4日（周一）")."""
    today = today or timezone.localdate(timezone=conf.SHANGHAI)
    values = {
        "year": day.year,
        "month_name": MONTHS[day.month - 1],
        "day": day.day,
        "weekday": WEEKDAYS[day.weekday()],
    }
    if day.year == today.year:
        return _("%(weekday)s %(day)s %(month_name)s") % values
    return _("%(weekday)s %(day)s %(month_name)s %(year)s") % values


def when_text(clock: Clock) -> str:
    """When a deadline falls. A deadline in working days runs to the end of its day
    (workdays.deadline), so it reads "by the end of 10 Dec", never "before the 10th"."""
    local = timezone.localtime(clock.due_at, conf.SHANGHAI)
    if clock.policy.unit == Unit.HOURS:
        return _("%(day)s at %(time)s") % {"day": day_in_words(local.date()), "time": f"{local:%H:%M}"}
    return _("the end of %(day)s") % {"day": day_in_words(local.date())}


def sentence(clock: Clock) -> str:
    """Who must do what by when: "拼多多须在9月30日（周二）当天结束前答复"."""
    return SENTENCES[clock.kind]() % {"body": body_label(clock), "when": when_text(clock)}


def overdue_for(clock: Clock, now: dt.datetime) -> str:
    """How far past its due day a running clock is, in working days ("" if it is not)."""
    if clock.state != Clock.State.RUNNING or not clock.is_overdue(now):
        return ""
    from . import workdays

    due_day = timezone.localtime(clock.due_at, conf.SHANGHAI).date()
    today = timezone.localtime(now, conf.SHANGHAI).date()
    return overdue_text(workdays.working_days_between(due_day, today))


def overdue_text(working_days: int) -> str:
    """How long ago a deadline passed, in working days ("已逾期 7 个工作日")."""
    if working_days < 1:
        return _("Overdue since today")
    return ngettext("Overdue by %(days)d working day", "Overdue by %(days)d working days", working_days) % {
        "days": working_days
    }


def body_label(clock: Clock) -> str:
    if clock.policy.body == Party.PLATFORM:
        return clock.complaint.platform.name
    return str(Party(clock.policy.body).label)


def deadline_rows(complaint, now=None) -> list[dict]:
    """The complaint's clocks, running ones first by due time, then met ones."""
    now = now or timezone.now()
    clocks = (
        Clock.objects.filter(complaint=complaint)
        .exclude(state=Clock.State.STOPPED)
        .select_related("policy", "complaint__platform")
        .order_by("met_at", "due_at", "id")
    )
    rows = []
    for clock in clocks:
        clock.complaint = complaint if complaint.pk == clock.complaint_id else clock.complaint
        rows.append(
            {
                "id": clock.pk,
                "kind": clock.kind,
                "state": clock.state,
                "due_at": clock.due_at,
                "due_day": timezone.localtime(clock.due_at, conf.SHANGHAI).date(),
                "provisional": clock.provisional,
                "overdue": clock.is_overdue(now),
                "met_at": clock.met_at,
                "sentence": sentence(clock),
                "source": clock.policy.source,
            }
        )
    return rows


def is_overdue(complaint, now=None) -> bool:
    return Clock.objects.filter(
        complaint=complaint, state=Clock.State.RUNNING, due_at__lt=now or timezone.now()
    ).exists()
