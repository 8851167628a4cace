"""Escalation's tunables: fixed constants, and settings with their defaults.

The settings are read when used (module __getattr__), never copied at import, so a
changed setting (a test's `settings` fixture, override_settings) reaches every caller.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Deadlines in working days end at this time of the due day, Beijing time.
END_OF_DAY = dt.time(23, 59, 59)
# Reminders that are not tied to the exact deadline go out at this Beijing time.
REMINDER_TIME = dt.time(9, 0)
# Regulators will not accept a complaint about a purchase older than this (SAMR Order 20, art. 15).
LIMITATION_YEARS = 3

# name here -> (setting, default, how the value is turned into what callers use)
_FROM_SETTINGS: dict[str, tuple[str, object, Callable[[Any], object]]] = {
    # "Still overdue" reminders: every this many working days, at most this many times.
    "REPEAT_WORKING_DAYS": ("ESCALATION_REPEAT_WORKING_DAYS", 3, int),
    "MAX_REPEATS": ("ESCALATION_MAX_REPEATS", 5, int),
    # How many due reminders one sweep claims in one transaction.
    "SWEEP_BATCH": ("ESCALATION_SWEEP_BATCH", 20_000, int),
    # A claimed reminder whose task has not queued its email after this long is handed out again.
    "STALE_REMINDER_SECONDS": ("ESCALATION_STALE_REMINDER_SECONDS", 600, int),
    # A reminder's mute link works this long after the email was sent (an old forwarded or
    # leaked email cannot switch reminders off for ever).
    "MUTE_LINK_MAX_AGE": ("ESCALATION_MUTE_LINK_DAYS", 90, lambda days: dt.timedelta(days=days)),
    # The consumer's "I complained to the platform myself" date may lie at most this far back.
    "PLATFORM_FILING_MAX_DAYS_BACK": ("ESCALATION_PLATFORM_FILING_MAX_DAYS_BACK", 7, int),
}


def __getattr__(name: str):
    try:
        setting, default, convert = _FROM_SETTINGS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return convert(getattr(settings, setting, default))
