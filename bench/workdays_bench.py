"""add_working_days: the precomputed table against the libraries it is built from.

    .venv/bin/python bench/workdays_bench.py

No database needed (the staff overrides are not loaded; the table is the same shape).
Smoke size (BENCH_SMOKE=1): 2,000 calls through the table, 50 through each library.
"""

import datetime as dt
import random
import sys
import time
from pathlib import Path

from smoke import sized

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CALLS = sized(200_000, 2_000)
LIBRARY_CALLS = sized(2_000, 50)


def cases(count: int) -> list[tuple[dt.date, int]]:
    rng = random.Random(20261121)
    first = dt.date(2025, 1, 1).toordinal()
    return [(dt.date.fromordinal(first + rng.randrange(540)), rng.choice((1, 3, 7, 45))) for _ in range(count)]


def per_call(function, inputs) -> float:
    started = time.perf_counter()
    for start, n in inputs:
        function(start, n)
    return (time.perf_counter() - started) / len(inputs)


def with_chinesecalendar(start: dt.date, n: int) -> dt.date:
    import chinese_calendar

    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


_holidays = {}


def with_holidays(start: dt.date, n: int) -> dt.date:
    import holidays

    day = start
    while n:
        day += dt.timedelta(days=1)
        calendar = _holidays.get(day.year) or _holidays.setdefault(day.year, holidays.CN(years=day.year))
        n -= calendar.is_working_day(day)
    return day


def main() -> None:
    from escalation.workdays import build_calendar

    calendar = build_calendar()
    started = time.perf_counter()
    build_calendar()
    print(
        f"building the table (2004 to {calendar.known_until.year + 5}): {(time.perf_counter() - started) * 1000:.0f} ms"
    )

    inputs = cases(CALLS)
    table = per_call(calendar.add_working_days, inputs)
    print(f"table + bisect (WorkCalendar.add_working_days): {table * 1e6:.2f} µs per call ({CALLS:,} calls)")

    # The module-level function as the app calls it (cached calendar, reload check).
    import escalation.workdays as workdays

    workdays._load_overrides = lambda: ({}, [])
    workdays.add_working_days(dt.date(2026, 1, 1), 1)
    module = per_call(workdays.add_working_days, inputs)
    print(f"escalation.workdays.add_working_days:           {module * 1e6:.2f} µs per call ({CALLS:,} calls)")

    small = inputs[:LIBRARY_CALLS]
    for name, function in (
        ("chinesecalendar day by day", with_chinesecalendar),
        ("holidays day by day", with_holidays),
    ):
        function(*small[0])
        seconds = per_call(function, small)
        print(f"{name + ':':48s}{seconds * 1e6:.1f} µs per call ({seconds / module:.0f}x slower)")
        assert all(function(s, n) == calendar.add_working_days(s, n) for s, n in small[:300])
    verdict = module < 2e-6
    print("target (add_working_days < 2 µs per call):", "met" if verdict else "NOT met")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The production settings refuse an in-process cache and unset mail: name ones (unused here).
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    import django

    django.setup()
    main()
