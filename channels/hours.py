"""Opening hours: weekly times in Beijing time, or round the clock.

Stored as JSON on channels.models.ServiceHours.schedule:
    {"always": true}
    {"weekly": [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "09:00", "closes": "20:00"}]}
Days are 0 = Monday. "closes" may be "24:00", or earlier than "opens" for hours that
run past midnight (22:00-02:00 ends on the next day).

Pure functions taking an aware datetime; no database, no settings.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

SCHEDULE_TZ = ZoneInfo("Asia/Shanghai")
DAY = 24 * 60
WEEK = 7 * DAY


@dataclass(frozen=True)
class Schedule:
    always: bool
    # (first minute, minute after the last) counted from Monday 00:00; an end past
    # WEEK wraps into the next Monday.
    spans: tuple[tuple[int, int], ...] = ()
    # As written, for the weekly summary: (days, "09:00", "20:00").
    rows: tuple[tuple[tuple[int, ...], str, str], ...] = ()


@dataclass(frozen=True)
class HoursStatus:
    always: bool
    is_open: bool
    closes_at: dt.datetime | None = None
    opens_at: dt.datetime | None = None


def _minutes(text: str) -> int:
    hours, _sep, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= DAY or not 0 <= int(minutes or 0) < 60:
        raise ValueError(f"not a time of day: {text!r}")
    return value


def parse_schedule(data: dict) -> Schedule:
    """Check and convert the stored JSON; raises ValueError on anything malformed."""
    if not isinstance(data, dict):
        raise ValueError("schedule must be an object")
    if data.get("always"):
        return Schedule(always=True)
    spans: list[tuple[int, int]] = []
    rows = []
    for row in data.get("weekly") or []:
        days = tuple(sorted(set(row["days"])))
        if not days or any(day not in range(7) for day in days):
            raise ValueError(f"days must be 0-6 (Monday-Sunday): {row['days']!r}")
        opens, closes = _minutes(row["opens"]), _minutes(row["closes"])
        if opens == DAY:
            raise ValueError("opening time 24:00 is not a time of day")
        if closes <= opens:  # runs past midnight into the next day
            closes += DAY
        spans.extend((day * DAY + opens, day * DAY + closes) for day in days)
        rows.append((days, row["opens"], row["closes"]))
    if not spans:
        raise ValueError("schedule needs 'always' or at least one weekly row")
    merged = _merge(spans)
    if merged and merged[0][1] - merged[0][0] >= WEEK:
        return Schedule(always=True, rows=tuple(rows))
    return Schedule(always=False, spans=tuple(sorted(spans)), rows=tuple(rows))


def _merge(spans) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def status_at(schedule: Schedule, at: dt.datetime) -> HoursStatus:
    """Open or closed at `at`, with when that changes.

    1. Express `at` in Beijing time as minutes since this week's Monday 00:00.
    2. Lay the weekly spans over last, this and next week and merge the touching
       ones, so 22:00-02:00 Sunday reaches into Monday and 00:00-24:00 daily rows
       join up.
    3. Open if a merged span holds `at` (it closes at that span's end); otherwise
       it opens at the start of the first later span.
    """
    if at.tzinfo is None:
        raise ValueError("an aware datetime is required")
    if schedule.always:
        return HoursStatus(always=True, is_open=True)
    local = at.astimezone(SCHEDULE_TZ)
    week_start = (local - dt.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    now = (local - week_start).total_seconds() / 60
    spans = _merge((start + shift, end + shift) for start, end in schedule.spans for shift in (-WEEK, 0, WEEK))
    for start, end in spans:
        if start <= now < end:
            return HoursStatus(always=False, is_open=True, closes_at=_at(week_start, end))
        if start > now:
            return HoursStatus(always=False, is_open=False, opens_at=_at(week_start, start))
    return HoursStatus(always=False, is_open=False)  # unreachable with a non-empty schedule


def _at(week_start: dt.datetime, minutes: int) -> dt.datetime:
    # Beijing has no daylight saving time, so wall-clock minutes add up exactly.
    return week_start + dt.timedelta(minutes=minutes)


def describe_status(status: HoursStatus, now: dt.datetime) -> str:
    """ "Open now, until 20:00" / "Closed now, opens at 09:00 tomorrow", in Beijing time."""
    if status.always:
        return _("Open round the clock")
    today = now.astimezone(SCHEDULE_TZ).date()
    if status.is_open:
        assert status.closes_at is not None  # status_at gives every open span but "always" its end
        closes = status.closes_at.astimezone(SCHEDULE_TZ)
        when = _day_phrase(closes, today)
        return _("Open now, until %(when)s") % {"when": when}
    if status.opens_at is None:
        return _("Closed")
    opens = status.opens_at.astimezone(SCHEDULE_TZ)
    return _("Closed now, opens %(when)s") % {"when": _day_phrase(opens, today, opening=True)}


def _day_phrase(moment: dt.datetime, today: dt.date, *, opening: bool = False) -> str:
    time = moment.strftime("%H:%M")
    days_ahead = (moment.date() - today).days
    if moment.time() == dt.time(0) and days_ahead >= 1 and not opening:
        return _("midnight")
    if days_ahead == 0:
        return _("at %(time)s today") % {"time": time} if opening else time
    if days_ahead == 1:
        return _("at %(time)s tomorrow") % {"time": time}
    return _("%(weekday)s at %(time)s") % {"weekday": WEEKDAYS[moment.weekday()], "time": time}


def summarise(schedule: Schedule) -> list[str]:
    """One line per weekly row: "Daily 09:00-20:00", "Mon, Tue 09:00-18:00"."""
    if schedule.always and not schedule.rows:
        return [_("Round the clock, every day")]
    lines = []
    for days, opens, closes in schedule.rows:
        label = _("Daily") if len(days) == 7 else ", ".join(str(WEEKDAYS_ABBR[day]) for day in days)
        suffix = _(" (next day)") if _minutes(closes) <= _minutes(opens) else ""
        lines.append(f"{label} {opens}–{closes}{suffix}")
    return lines
