"""Beijing times for the escalation tests: deadlines are counted in Beijing working days,
so the tests write their moments and days as a consumer in China would."""

import datetime as dt
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """ "2025-09-30 17:00" as an aware datetime in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
