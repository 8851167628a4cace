"""Escalation's tunables, read from settings once with their defaults."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Deadlines in working days end at this time of the due day, Beijing time.
END_OF_DAY = dt.time(23, 59, 59)
# Reminders that are not tied to the exact deadline go out at this Beijing time.
REMINDER_TIME = dt.time(9, 0)
# "Still overdue" reminders: every this many working days, at most this many times.
REPEAT_WORKING_DAYS = getattr(settings, "ESCALATION_REPEAT_WORKING_DAYS", 3)
MAX_REPEATS = getattr(settings, "ESCALATION_MAX_REPEATS", 5)
# How many due reminders one sweep claims in one transaction.
SWEEP_BATCH = getattr(settings, "ESCALATION_SWEEP_BATCH", 20_000)
# A claimed reminder whose task has not finished after this long is handed out again.
STALE_REMINDER_SECONDS = getattr(settings, "ESCALATION_STALE_REMINDER_SECONDS", 600)
# A reminder's mute link works this long after the email was sent (an old forwarded or
# leaked email cannot switch reminders off for ever).
MUTE_LINK_MAX_AGE = dt.timedelta(days=getattr(settings, "ESCALATION_MUTE_LINK_DAYS", 90))
# The consumer's "I complained to the platform myself" date may lie at most this far back.
PLATFORM_FILING_MAX_DAYS_BACK = getattr(settings, "ESCALATION_PLATFORM_FILING_MAX_DAYS_BACK", 7)
# Regulators will not accept a complaint about a purchase older than this (SAMR Order 20, art. 15).
LIMITATION_YEARS = 3
