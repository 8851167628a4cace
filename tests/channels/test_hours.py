import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from channels.hours import describe_status, parse_schedule, status_at, summarise

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY_9_TO_20 = parse_schedule({"weekly": [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "09:00", "closes": "20:00"}]})
WEEKDAYS_9_TO_18 = parse_schedule({"weekly": [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "18:00"}]})
DAILY_8_TO_MIDNIGHT = parse_schedule({"weekly": [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "24:00"}]})
# Friday and Sunday nights, past midnight.
NIGHTS = parse_schedule({"weekly": [{"days": [4, 6], "opens": "22:00", "closes": "02:00"}]})


def beijing(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


# 2026-03-02 is a Monday.
def test_daily_hours_are_open_in_the_middle_of_the_day_until_closing():
    status = status_at(DAILY_9_TO_20, beijing(2026, 3, 2, 12, 0))
    assert status.is_open and status.closes_at == beijing(2026, 3, 2, 20, 0)


def test_before_opening_it_opens_the_same_morning():
    status = status_at(DAILY_9_TO_20, beijing(2026, 3, 2, 8, 59))
    assert not status.is_open and status.opens_at == beijing(2026, 3, 2, 9, 0)


def test_closing_minute_itself_is_closed_and_opens_tomorrow():
    status = status_at(DAILY_9_TO_20, beijing(2026, 3, 2, 20, 0))
    assert not status.is_open and status.opens_at == beijing(2026, 3, 3, 9, 0)


def test_weekday_hours_after_friday_close_open_on_monday():
    status = status_at(WEEKDAYS_9_TO_18, beijing(2026, 3, 6, 18, 30))
    assert status.opens_at == beijing(2026, 3, 9, 9, 0)


@pytest.mark.parametrize(
    ("at", "is_open", "change"),
    [
        (beijing(2026, 3, 6, 23, 30), True, beijing(2026, 3, 7, 2, 0)),  # Friday night, closes Saturday 02:00
        (beijing(2026, 3, 7, 1, 59), True, beijing(2026, 3, 7, 2, 0)),  # Saturday small hours, still Friday's shift
        (beijing(2026, 3, 7, 2, 0), False, beijing(2026, 3, 8, 22, 0)),  # closed until Sunday night
        (beijing(2026, 3, 9, 1, 0), True, beijing(2026, 3, 9, 2, 0)),  # Sunday's shift runs into Monday: week wrap
        (beijing(2026, 3, 9, 3, 0), False, beijing(2026, 3, 13, 22, 0)),
    ],
)
def test_hours_past_midnight_belong_to_the_day_they_started(at, is_open, change):
    status = status_at(NIGHTS, at)
    assert status.is_open is is_open
    assert (status.closes_at if is_open else status.opens_at) == change


def test_closing_at_24_00_closes_at_midnight_and_reopens_in_the_morning():
    assert status_at(DAILY_8_TO_MIDNIGHT, beijing(2026, 3, 2, 23, 59)).closes_at == beijing(2026, 3, 3, 0, 0)
    after = status_at(DAILY_8_TO_MIDNIGHT, beijing(2026, 3, 3, 0, 30))
    assert not after.is_open and after.opens_at == beijing(2026, 3, 3, 8, 0)


def test_round_the_clock_is_always_open():
    schedule = parse_schedule({"always": True})
    assert status_at(schedule, beijing(2026, 3, 8, 3, 33)).always
    assert status_at(schedule, beijing(2026, 3, 8, 3, 33)).is_open


def test_all_day_every_day_written_as_weekly_rows_counts_as_round_the_clock():
    schedule = parse_schedule({"weekly": [{"days": list(range(7)), "opens": "00:00", "closes": "24:00"}]})
    assert schedule.always


def test_utc_time_is_read_in_beijing_time():
    # 00:30 UTC is 08:30 in Beijing (closed); 01:30 UTC is 09:30 (open).
    assert not status_at(DAILY_9_TO_20, dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)).is_open
    assert status_at(DAILY_9_TO_20, dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)).is_open


def test_a_time_given_in_new_york_is_read_in_beijing_time():
    # Sunday 21:30 in New York (EST) is Monday 10:30 in Beijing: weekday hours are open.
    sunday_evening_new_york = dt.datetime(2026, 3, 1, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    status = status_at(WEEKDAYS_9_TO_18, sunday_evening_new_york)
    assert status.is_open and status.closes_at == beijing(2026, 3, 2, 18, 0)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        status_at(DAILY_9_TO_20, dt.datetime(2026, 3, 2, 12, 0))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"weekly": []},
        {"weekly": [{"days": [7], "opens": "09:00", "closes": "20:00"}]},
        {"weekly": [{"days": [0], "opens": "25:00", "closes": "20:00"}]},
        {"weekly": [{"days": [0], "opens": "09:75", "closes": "20:00"}]},
        {"weekly": [{"days": [0], "opens": "24:00", "closes": "02:00"}]},
    ],
)
def test_malformed_schedules_are_refused(data):
    with pytest.raises(ValueError):
        parse_schedule(data)


@pytest.mark.parametrize(
    ("at", "english", "chinese"),
    [
        (beijing(2026, 3, 2, 12, 0), "Open now, until 20:00", "现在服务中，到 20:00"),
        (beijing(2026, 3, 2, 7, 0), "Closed now, opens at 09:00 today", "现在休息，今天 09:00 开始"),
        (beijing(2026, 3, 2, 21, 0), "Closed now, opens at 09:00 tomorrow", "现在休息，明天 09:00 开始"),
    ],
)
def test_status_is_described_in_both_languages(at, english, chinese):
    status = status_at(DAILY_9_TO_20, at)
    with translation.override("en"):
        assert describe_status(status, at) == english
    with translation.override("zh-hans"):
        assert describe_status(status, at) == chinese


def test_status_names_the_weekday_when_opening_is_days_away():
    at = beijing(2026, 3, 6, 19, 0)
    with translation.override("en"):
        assert describe_status(status_at(WEEKDAYS_9_TO_18, at), at) == "Closed now, opens Monday at 09:00"


def test_closing_at_midnight_says_midnight():
    at = beijing(2026, 3, 2, 22, 0)
    with translation.override("en"):
        assert describe_status(status_at(DAILY_8_TO_MIDNIGHT, at), at) == "Open now, until midnight"


def test_summary_lists_daily_and_past_midnight_rows():
    with translation.override("en"):
        assert summarise(DAILY_9_TO_20) == ["Daily 09:00–20:00"]
        assert summarise(NIGHTS) == ["Fri, Sun 22:00–02:00 (next day)"]
