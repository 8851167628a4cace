import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from actions.status import transition
from complaints.states import Actor, Status
from escalation import ics
from escalation.display import deadline_rows
from escalation.models import Clock, PlatformFiling
from tests.escalation.beijing import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-09-28 09:00")]


@pytest.fixture
def forwarded(policies, make_complaint, staff):
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-09-28 10:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    return complaint


def test_deadlines_read_as_a_weekday_and_a_date(forwarded):
    with translation.override("en"):
        sentences = [row["sentence"] for row in deadline_rows(forwarded)]
    # Across National Day (off 1-7 Oct 2026; Sat 10 Oct is a make-up working day).
    assert sentences == [
        "Pinduoduo must reply by the end of Thu 8 Oct",
        "Pinduoduo must resolve it by the end of Tue 13 Oct",
    ]


def test_the_deadlines_include_marks_provisional_dates_and_links_the_calendar(policies, make_complaint, staff):
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-12-29 10:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    request = RequestFactory().get("/")
    request.user = complaint.owner
    with translation.override("en"):
        html = Template('{% include "escalation/_complaint_deadlines.html" %}').render(
            Context({"complaint": complaint, "request": request})
        )
    assert "provisional" in html
    assert reverse("escalation:ics", args=[complaint.reference]) in html


def test_overdue_deadlines_show_the_escalation_packet_link_to_the_owner(forwarded):
    request = RequestFactory().get("/")
    request.user = forwarded.owner
    with time_machine.travel(at("2026-10-20 10:00"), tick=False), translation.override("en"):
        html = Template('{% include "escalation/_complaint_deadlines.html" %}').render(
            Context({"complaint": forwarded, "request": request})
        )
    assert "Overdue" in html
    assert reverse("escalation:packet_start", args=[forwarded.reference]) in html


def test_platform_policy_include_states_the_figures_and_their_source(policies):
    from platforms.models import Platform

    with translation.override("en"):
        html = Template('{% include "escalation/_platform_policy.html" %}').render(
            Context({"platform": Platform.objects.get(slug="taobao")})
        )
    assert "within 24 hours" in html and "articles on the web; the platform has not confirmed it" in html
    assert "003_f0516a5cedccd739" not in html and "Seed article" not in html
    with translation.override("en"):
        html = Template('{% include "escalation/_platform_policy.html" %}').render(
            Context({"platform": Platform.objects.get(slug="tmall")})
        )
    assert "no published response time" in html


def test_ics_has_one_all_day_event_per_running_deadline(forwarded):
    with translation.override("en"):
        text = ics.calendar_for(forwarded, now=at("2026-09-28 11:00"))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20261008" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_ics_download_is_for_the_owner_only(forwarded, client, django_user_model):
    url = reverse("escalation:ics", args=[forwarded.reference])
    client.force_login(forwarded.owner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    outsider = django_user_model.objects.create_user("outsider", "outsider@example.com", "pw-outsider-1")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.frozen_at("2026-11-20 12:00")
def test_consumer_records_their_own_platform_complaint_and_clocks_start(policies, make_complaint, client):
    complaint = make_complaint(images=0)
    client.force_login(complaint.owner)
    url = reverse("escalation:filed_with_platform", args=[complaint.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"channel": "phone", "filed_at": "2026-11-19T16:30", "ticket": "A-1"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.FORWARDED
    assert PlatformFiling.objects.get(complaint=complaint).ticket == "A-1"
    assert Clock.objects.filter(complaint=complaint).count() == 2


def test_another_consumer_cannot_record_a_platform_complaint(policies, make_complaint, client, django_user_model):
    complaint = make_complaint(images=0)
    outsider = django_user_model.objects.create_user("outsider", "outsider@example.com", "pw-outsider-1")
    client.force_login(outsider)
    url = reverse("escalation:filed_with_platform", args=[complaint.reference])
    assert client.post(url, {"channel": "phone", "filed_at": "2026-11-19T16:30"}).status_code == 404


def test_the_packet_link_waits_until_a_deadline_is_missed(forwarded):
    request = RequestFactory().get("/")
    request.user = forwarded.owner
    with time_machine.travel(at("2026-10-05 10:00"), tick=False), translation.override("en"):
        html = Template('{% include "escalation/_complaint_deadlines.html" %}').render(
            Context({"complaint": forwarded, "request": request})
        )
    assert reverse("escalation:packet_start", args=[forwarded.reference]) not in html


def test_ics_text_survives_a_round_trip_through_a_calendar_parser(forwarded, settings):
    import icalendar

    with translation.override("zh-hans"):
        text = ics.calendar_for(forwarded, now=at("2026-09-28 11:00"))
        running = [row for row in deadline_rows(forwarded) if row["state"] == "running"]
        provisional = " " + translation.gettext("(provisional)")
    parsed = icalendar.Calendar.from_ical(text)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 2
    # The sentences come back whole: whatever commas, semicolons or backslashes they hold.
    assert sorted(str(event["summary"]) for event in events) == sorted(
        f"{forwarded.reference} " + row["sentence"] + (provisional if row["provisional"] else "") for row in running
    )
    for event in events:
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(days=1)
        assert str(event["description"]).endswith(settings.SITE_URL + forwarded.get_absolute_url())
        assert forwarded.reference in str(event["description"])
        assert str(event["uid"]).startswith("tousu-clock-")
        # An alarm at 09:00 the day before the due day (the all-day event starts at midnight).
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("trigger") == -dt.timedelta(hours=15)
        assert str(alarm["action"]) == "DISPLAY" and forwarded.reference in str(alarm["description"])
