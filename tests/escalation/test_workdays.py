import datetime as dt

import pytest

from escalation import workdays
from escalation.models import HolidayOverride, PublishedSchedule
from escalation.workdays import add_working_days, build_calendar, is_working_day, working_days_between

D = dt.date.fromisoformat

# The State Council's notices on the holiday schedules of 2025 and 2026 (published each November).
HOLIDAYS_2025_NATIONAL_DAY = [f"2025-10-0{i}" for i in range(1, 9)]
MAKEUP_2025 = ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
HOLIDAYS_2026_SPRING = [f"2026-02-{i}" for i in range(15, 24)]
HOLIDAYS_2026_NATIONAL_DAY = [f"2026-10-0{i}" for i in range(1, 8)]
MAKEUP_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 7, "2025-10-16"),
        ("2026-02-13", 3, "2026-02-25"),
        ("2026-02-13", 7, "2026-03-02"),
        ("2026-10-08", 1, "2026-10-09"),
        ("2026-09-30", 3, "2026-10-10"),
    ],
)
def test_add_working_days_counts_strictly_after_start_across_golden_weeks(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize("day", HOLIDAYS_2025_NATIONAL_DAY + HOLIDAYS_2026_SPRING + HOLIDAYS_2026_NATIONAL_DAY)
def test_official_holidays_are_days_off_even_on_weekdays(day):
    assert not is_working_day(D(day))


@pytest.mark.parametrize("day", MAKEUP_2025 + MAKEUP_2026)
def test_make_up_weekends_are_working_days(day):
    assert D(day).weekday() >= 5
    assert is_working_day(D(day))


def test_every_day_of_2025_and_2026_matches_chinesecalendar_and_python_holidays():
    assert workdays.cross_check([2025, 2026]) == []
    import chinese_calendar

    day = D("2025-01-01")
    while day.year < 2027:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_2026_has_the_published_number_of_working_days():
    # The State Council's notice for 2026: 365 days - 104 weekend days - 19 weekday
    # holidays (1-2 Jan, 16-20 and 23 Feb, 6 Apr, 1, 4-5 May, 19 Jun, 25 Sep, 1-2 and
    # 5-7 Oct) + 6 make-up weekend days = 248.
    assert working_days_between(D("2025-12-31"), D("2026-12-31")) == 248


def test_2025_has_the_published_number_of_working_days():
    # 365 - 104 weekend days - 18 weekday holidays + 5 make-up weekend days.
    assert working_days_between(D("2024-12-31"), D("2025-12-31")) == 248


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # New Year 2026 is off 1-3 Jan; Sunday 4 Jan is a make-up working day.
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        ("2025-12-30", 1, "2025-12-31"),
        ("2025-12-30", 2, "2026-01-04"),
        # New Year 2025 is off on 1 Jan only.
        ("2024-12-31", 1, "2025-01-02"),
    ],
)
def test_add_working_days_across_the_new_year(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


def test_working_days_between_counts_across_the_new_year():
    # Wed 31 Dec, Sun 4 Jan (make-up), Mon 5 Jan.
    assert working_days_between(D("2025-12-30"), D("2026-01-05")) == 3
    assert working_days_between(D("2025-12-31"), D("2026-01-03")) == 0


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = D("2025-09-25")
    for n in range(0, 40):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_add_working_days_rejects_negative_counts():
    with pytest.raises(ValueError):
        add_working_days(D("2026-01-05"), -1)


def test_deadline_inside_the_published_schedule_is_not_provisional():
    assert workdays.deadline(D("2026-12-01"), 7) == workdays.Deadline(D("2026-12-10"), False)


def test_deadline_beyond_the_published_schedule_counts_weekends_only_and_is_provisional():
    # 2026-12-31 is a Thursday; 2027 is unknown: Fri 1 Jan is counted as a working day.
    result = workdays.deadline(D("2026-12-30"), 3)
    assert result == workdays.Deadline(D("2027-01-04"), True)


def test_far_future_dates_beyond_the_table_still_count_weekends_only():
    calendar = build_calendar()
    start = D("2040-01-03")  # a Tuesday, past the table's horizon
    assert calendar.add_working_days(start, 4) == D("2040-01-09")
    assert calendar.working_days_between(start, D("2040-01-09")) == 4


def test_overrides_change_the_table_and_make_the_day_known():
    calendar = build_calendar({D("2027-01-01"): False, D("2027-01-02"): True})
    assert not calendar.is_working_day(D("2027-01-01"))
    assert calendar.is_working_day(D("2027-01-02"))
    assert calendar.add_working_days(D("2026-12-31"), 1) == D("2027-01-02")
    assert calendar.deadline(D("2026-12-31"), 1) == workdays.Deadline(D("2027-01-02"), False)
    assert calendar.deadline(D("2026-12-31"), 2).provisional


def test_a_published_year_is_known_so_its_deadlines_are_not_provisional():
    calendar = build_calendar({D("2027-01-01"): False}, published_years=[2027])
    assert calendar.known_until == D("2027-12-31")
    assert calendar.deadline(D("2026-12-30"), 3) == workdays.Deadline(D("2027-01-05"), False)


@pytest.mark.django_db
def test_staff_override_rows_are_merged_into_the_process_calendar_at_once():
    assert is_working_day(D("2027-01-01"))
    HolidayOverride.objects.create(date=D("2027-01-01"), is_working_day=False, source="State Council notice 2027")
    assert not is_working_day(D("2027-01-01"))
    assert workdays.deadline(D("2026-12-31"), 1).provisional
    PublishedSchedule.objects.create(year=2027, source="State Council notice 2027")
    assert workdays.deadline(D("2026-12-31"), 1) == workdays.Deadline(D("2027-01-04"), False)
    HolidayOverride.objects.all().delete()
    assert is_working_day(D("2027-01-01"))


def test_the_schedule_check_warns_staff_before_the_known_schedule_runs_out():
    from escalation.checks import schedule_warnings

    ids = [w.id for w in schedule_warnings(D("2026-11-21"))]
    assert "escalation.W001" in ids
    assert "escalation.W002" not in ids
    assert schedule_warnings(D("2026-06-01")) == []
