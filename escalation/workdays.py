"""Chinese working days: pure functions over a precomputed table.

The State Council sets each year's public holidays and make-up working days (调休)
every November. `chinesecalendar` carries the published years; we turn it into a
table once (a byte per day plus a sorted tuple of working-day ordinals) because the
library is hundreds of times slower than a bisect (bench/workdays_bench.py), and merge the staff-editable
HolidayOverride rows over it for dates the library does not know yet.

A date after the last known one that no override covers is counted on weekends only,
and any deadline that crosses such a date is *provisional*: shown as such to the
consumer and staff, never a silent guess.

All counting follows one rule: `add_working_days(start, n)` is the n-th working day
strictly after `start` (not chinesecalendar.find_workday's "on or after").
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# How long one process trusts its copy of the overrides; a save in this process
# invalidates at once, other processes (workers) pick the change up within this.
RELOAD_SECONDS = 60.0
# The table reaches this many years past the last known or overridden date; beyond
# it a (slow, correct) day-by-day walk takes over.
TABLE_YEARS_AHEAD = 5


def _library_schedule() -> tuple[dt.date, dt.date, frozenset[dt.date], frozenset[dt.date]]:
    """(first, last, weekday holidays, weekend working days) from chinesecalendar."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    first = dt.date(min(holidays).year, 1, 1)
    last = dt.date(max(holidays | workdays).year, 12, 31)
    return first, last, holidays, workdays


def cross_check(years: Iterable[int]) -> list[tuple[dt.date, bool, bool]]:
    """Days of `years` on which chinesecalendar and python-holidays disagree:
    (date, chinesecalendar says working, holidays says working). Only years both
    libraries know are meaningful: python-holidays silently guesses future years."""
    import chinese_calendar
    import holidays

    disagreements = []
    for year in years:
        cn = holidays.country_holidays("CN", years=year)
        day = dt.date(year, 1, 1)
        while day.year == year:
            a, b = chinese_calendar.is_workday(day), cn.is_working_day(day)
            if a != b:
                disagreements.append((day, a, b))
            day += dt.timedelta(days=1)
    return disagreements


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working-day calendar; build one with `build_calendar`."""

    first: dt.date
    known_until: dt.date
    overrides: Mapping[dt.date, bool]
    _first_ordinal: int = field(repr=False)
    _flags: bytes = field(repr=False)
    _working: tuple[int, ...] = field(repr=False)

    # --- Questions about one day.

    def is_working_day(self, day: dt.date) -> bool:
        index = day.toordinal() - self._first_ordinal
        if 0 <= index < len(self._flags):
            return self._flags[index] == 1
        return self._slow_is_working_day(day)

    def is_known(self, day: dt.date) -> bool:
        """Whether the day's status comes from a published schedule or an override."""
        return self.first <= day <= self.known_until or day in self.overrides

    # --- Counting.

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `start` (n=0 gives `start`)."""
        if n < 0:
            raise ValueError("n must be zero or more")
        if n == 0:
            return start
        working = self._working
        index = bisect_right(working, start.toordinal()) + n - 1
        if start >= self.first and index < len(working):
            return dt.date.fromordinal(working[index])
        return self._slow_add(start, n)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        working = self._working
        if start >= self.first and working and end.toordinal() <= working[-1]:
            return bisect_right(working, end.toordinal()) - bisect_right(working, start.toordinal())
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def deadline(self, start: dt.date, n: int) -> Deadline:
        """The due day n working days after `start`, and whether any day counted was a guess."""
        day = self.add_working_days(start, n)
        return Deadline(day, self.is_span_provisional(start, day))

    def is_span_provisional(self, start: dt.date, end: dt.date) -> bool:
        """True when some day in (start, end] is neither in the published schedule nor overridden."""
        if end <= self.known_until:
            return False
        day = max(start, self.known_until)
        while day < end:
            day += dt.timedelta(days=1)
            if day not in self.overrides:
                return True
        return False

    # --- Beyond the table: weekends plus overrides, day by day.

    def _slow_is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def _slow_add(self, start: dt.date, n: int) -> dt.date:
        day = start
        while n:
            day += dt.timedelta(days=1)
            n -= self.is_working_day(day)
        return day


def build_calendar(
    overrides: Mapping[dt.date, bool] | None = None,
    *,
    published_years: Iterable[int] = (),
    schedule: tuple[dt.date, dt.date, frozenset[dt.date], frozenset[dt.date]] | None = None,
) -> WorkCalendar:
    """Precompute the table.

    1. Start from the library's schedule (or `schedule`, for tests): weekdays are
       working days except its holidays; its make-up days are working days.
    2. Beyond the library's last year, weekends only.
    3. Apply `overrides` (date -> is working day) on top of both.
    4. `known_until` is the library's last day, extended through each consecutive
       year in `published_years` (staff entered that year's whole notice).
    """
    first, last, holidays, makeup = schedule or _library_schedule()
    overrides = dict(overrides or {})
    known_until = last
    published = set(published_years)
    while known_until.year + 1 in published:
        known_until = dt.date(known_until.year + 1, 12, 31)
    horizon_year = max([known_until.year, *(d.year for d in overrides)]) + TABLE_YEARS_AHEAD
    end = dt.date(horizon_year, 12, 31)

    flags = bytearray()
    working = []
    day = first
    one = dt.timedelta(days=1)
    while day <= end:
        if day in overrides:
            is_working = overrides[day]
        elif day <= last:
            is_working = day in makeup or (day.weekday() < 5 and day not in holidays)
        else:
            is_working = day.weekday() < 5
        flags.append(1 if is_working else 0)
        if is_working:
            working.append(day.toordinal())
        day += one
    return WorkCalendar(
        first=first,
        known_until=known_until,
        overrides=overrides,
        _first_ordinal=first.toordinal(),
        _flags=bytes(flags),
        _working=tuple(working),
    )


# --- The process-wide calendar: library table + HolidayOverride rows. ----------


class _Cache:
    calendar: WorkCalendar | None = None
    expires: float = 0.0
    tables_exist = False
    lock = threading.Lock()


def _load_overrides() -> tuple[dict[dt.date, bool], list[int]]:
    """Staff's overrides and published years. Only a database without the tables yet
    (before `migrate`) reads as none; any other failure raises, because a calendar
    silently missing an override stores wrong deadlines that are not even provisional.

    The tables are looked for (not a failed query caught), so a transaction around the
    caller is never left aborted; once found, they are not looked for again."""
    from .models import HolidayOverride, PublishedSchedule

    if not _Cache.tables_exist:
        if _tables_missing(HolidayOverride, PublishedSchedule):
            log.info("working-day override tables not created yet; using the library table only")
            return {}, []
        _Cache.tables_exist = True
    overrides = dict(HolidayOverride.objects.values_list("date", "is_working_day"))
    years = list(PublishedSchedule.objects.values_list("year", flat=True))
    return overrides, years


def _tables_missing(*models) -> bool:
    from django.db import connection

    present = set(connection.introspection.table_names())
    return any(model._meta.db_table not in present for model in models)


def get_calendar() -> WorkCalendar:
    calendar = _Cache.calendar
    if calendar is not None and time.monotonic() < _Cache.expires:
        return calendar
    with _Cache.lock:
        overrides, years = _load_overrides()
        _Cache.calendar = build_calendar(overrides, published_years=years)
        _Cache.expires = time.monotonic() + RELOAD_SECONDS
        return _Cache.calendar


def invalidate_calendar() -> None:
    """Called when staff change an override: the next call rebuilds the table."""
    _Cache.expires = 0.0


def is_working_day(d: dt.date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after `start`."""
    return get_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    return get_calendar().working_days_between(start, end)


def deadline(start: dt.date, n: int) -> Deadline:
    return get_calendar().deadline(start, n)


def known_until() -> dt.date:
    return get_calendar().known_until


def working_hours_between(start: dt.datetime, end: dt.datetime, *, is_working=None) -> float:
    """Hours of (start, end] that fall on working days, counted in Beijing time: a reply
    on Monday morning to a complaint delivered on Friday evening took the hours of
    Friday evening and Monday morning, not the weekend. Calendar hours of a working
    day all count (platforms answer around the clock on working days).
    `is_working` (a date -> bool) is for tests; the official calendar by default."""
    if end <= start:
        return 0.0
    is_working = is_working or is_working_day
    tz = dt.timezone(dt.timedelta(hours=8))
    start, end = start.astimezone(tz), end.astimezone(tz)
    total = 0.0
    day = start.date()
    while day <= end.date():
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        lo, hi = max(start, midnight), min(end, midnight + dt.timedelta(days=1))
        if hi > lo and is_working(day):
            total += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total
