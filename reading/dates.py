"""Dates and times as Chinese order pages and chats show them (pure functions).

2026-03-02 12:30:05, 2026/03/02 12:30, 2026.03.02, 2026年3月2日 12:30, and without a
year, 03-02 12:30 or 3月2日 12:30: a date without a year is the most recent such date
not after the day the screenshot was uploaded (`today`).
"""

import datetime as dt
import re

_TIME = r"(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)"
_WITH_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "?")
# Without a year a time must follow (a bare "3-2" is anything), unless 月 and 日 say it.
_NO_YEAR = re.compile(r"(?<![\d.:/-])(\d{1,2})\s*([-/月])\s*(\d{1,2})\s*(日?)" + _TIME + r"?(?!\d)")


def datetimes_in(text: str, *, today: dt.date) -> list[tuple[dt.datetime, tuple[int, int]]]:
    """Each date (with its time, midnight when none shows) in `text`, with its span."""
    found = []
    taken = []
    for match in _WITH_YEAR.finditer(text):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        moment = _moment(year, month, day, hour, minute, second)
        if moment:
            found.append((moment, match.span()))
            taken.append(match.span())
    for match in _NO_YEAR.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        month, sep, day, suffix, hour = match.group(1), match.group(2), match.group(3), match.group(4), match.group(5)
        if hour is None and not (sep == "月" and suffix):
            continue
        minute, second = match.group(6), match.group(7)
        moment = _without_year(int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), today)
        if moment:
            found.append((moment, match.span()))
    return sorted(found, key=lambda item: item[1])


def _moment(year, month, day, hour, minute, second):
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _without_year(month, day, hour, minute, second, today: dt.date):
    """The most recent month-day not after `today` (29 February: the last leap year's)."""
    for year in range(today.year, today.year - 8, -1):
        moment = _moment(year, month, day, hour, minute, second)
        if moment and moment.date() <= today:
            return moment
    return None
