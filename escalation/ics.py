"""The consumer's deadlines as an iCalendar file (RFC 5545): one all-day event per
running clock, on its due day."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .display import deadline_rows


def calendar_for(complaint, *, now: dt.datetime, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    host = settings.SITE_URL.split("//")[-1]
    calendar = Calendar()
    calendar.add("prodid", "-//Tousu//escalation//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with translation.override(language):
        for row in deadline_rows(complaint):
            if row["state"] != "running":
                continue
            day = row["due_day"]
            # The reference first: a calendar shows the summary alone, often cut short.
            summary = f"{complaint.reference} {row['sentence']}"
            if row["provisional"]:
                summary += " " + _("(provisional)")
            description = _("Complaint %(reference)s. Follow it: %(url)s") % {
                "reference": complaint.reference,
                "url": settings.SITE_URL + complaint.get_absolute_url(),
            }
            event = Event()
            event.add("uid", f"tousu-clock-{row['id']}@{host}")
            event.add("dtstamp", now.astimezone(dt.UTC))
            # Dates, not times: all-day events on the due day (VALUE=DATE).
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", summary)
            event.add("description", description)
            event.add_component(_day_before_alarm(summary))
            calendar.add_component(event)
    # icalendar escapes the text values and folds lines at 75 octets (RFC 5545, 3.1).
    return calendar.to_ical().decode()


# The event starts at midnight of the due day: 15 hours before is 09:00 the day before.
ALARM_BEFORE = dt.timedelta(hours=15)


def _day_before_alarm(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm
