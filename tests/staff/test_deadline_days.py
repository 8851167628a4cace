"""The queue counts days in Beijing time, whatever time zone is active for the request."""

import datetime as dt

from django.utils import timezone

from staff.deadlines import age_in_working_days, due_soon_cutoff

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_due_soon_ends_with_the_next_beijing_working_day_when_utc_is_active():
    # Thu 26 Nov 2026, 23:30 UTC is Fri 27 Nov, 07:30 in Beijing: the next working day is
    # Mon 30 Nov. Counting from the UTC date (Thursday) would end the window on Friday.
    now = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)
    with timezone.override("UTC"):
        assert due_soon_cutoff(now) == dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=BEIJING)


def test_age_in_working_days_counts_beijing_dates_when_utc_is_active():
    # Filed Mon 30 Nov 23:30 UTC (Tue 1 Dec in Beijing), seen Tue 1 Dec 23:30 UTC (Wed 2 Dec): one working day.
    filed = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    seen = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    with timezone.override("UTC"):
        assert age_in_working_days(filed, seen) == 1
    # Filed Mon 30 Nov 15:00 UTC (23:00 Beijing), seen an hour later (Tue 1 Dec 00:00 Beijing): a day old.
    with timezone.override("UTC"):
        assert (
            age_in_working_days(filed - dt.timedelta(hours=8, minutes=30), filed - dt.timedelta(hours=7, minutes=30))
            == 1
        )
