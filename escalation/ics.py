"""The consumer's deadlines as an iCalendar file (RFC 5545): one all-day event per
running clock, on its due day."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .display import deadline_rows


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continuation lines start with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def calendar_for(complaint, *, now: dt.datetime, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tousu//escalation//EN", "CALSCALE:GREGORIAN"]
    with translation.override(language):
        for row in deadline_rows(complaint):
            if row["state"] != "running":
                continue
            day = row["due_day"]
            summary = row["sentence"]
            if row["provisional"]:
                summary += " " + _("(provisional)")
            description = _("Complaint %(reference)s. Follow it: %(url)s") % {
                "reference": complaint.reference,
                "url": settings.SITE_URL + complaint.get_absolute_url(),
            }
            lines += [
                "BEGIN:VEVENT",
                f"UID:tousu-clock-{row['id']}@{settings.SITE_URL.split('//')[-1]}",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(description)}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
