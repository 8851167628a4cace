"""System checks that warn staff before the working-day table runs out or goes wrong."""

import datetime as dt

from django.core.checks import Warning, register
from django.utils import timezone

from . import workdays

# Warn this long before the last day of the known schedule.
WARN_DAYS_BEFORE_END = 60


def schedule_warnings(today: dt.date) -> list[Warning]:
    calendar = workdays.build_calendar()
    warnings = []
    if (calendar.known_until - today).days < WARN_DAYS_BEFORE_END:
        warnings.append(
            Warning(
                f"The official holiday schedule is known only until {calendar.known_until}; deadlines "
                "after it are provisional (weekends only).",
                hint="Upgrade chinesecalendar or enter the State Council's notice as working-day overrides "
                "and mark the year as published, in the admin.",
                id="escalation.W001",
            )
        )
    years = range(max(today.year - 1, calendar.first.year), calendar.known_until.year + 1)
    for day, ours, _theirs in workdays.cross_check(years):
        warnings.append(
            Warning(
                f"chinesecalendar says {day} is {'a working day' if ours else 'a day off'}; "
                f"python-holidays says the opposite.",
                hint="Check the State Council notice and add a working-day override for that date.",
                id="escalation.W002",
            )
        )
    return warnings


@register()
def check_holiday_schedule(app_configs, **kwargs):
    return schedule_warnings(timezone.localdate())
