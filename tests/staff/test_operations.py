"""The staff home says when Celery beat's periodic work last ran, warns when it is late
(more than twice its interval), and counts the emails that failed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from escalation.tasks import sweep_deadlines
from notifications.models import OutboundEmail
from notifications.tasks import resend_pending_email
from staff.models import PeriodicRun
from staff.operations import periodic_status

SH = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=SH)
# The whole test, its fixtures' data included, at noon Beijing time (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-30 12:00")]


def test_a_periodic_task_that_succeeds_in_a_worker_records_when_it_finished():
    sweep_deadlines.apply()  # as a worker runs it: through Celery, its signals included
    resend_pending_email.apply()
    assert dict(PeriodicRun.objects.values_list("task", "finished_at")) == {
        "escalation.tasks.sweep_deadlines": NOON,
        "notifications.tasks.resend_pending_email": NOON,
    }


def test_a_failed_run_is_not_recorded(monkeypatch):
    from actions import reminders as sweep

    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr(sweep, "sweep", broken)
    sweep_deadlines.apply()
    assert not PeriodicRun.objects.exists()


def test_late_means_more_than_twice_the_beat_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "escalation-sweep-deadlines": {"task": "escalation.tasks.sweep_deadlines", "schedule": 300.0},
    }
    PeriodicRun.objects.create(task="escalation.tasks.sweep_deadlines", finished_at=NOON - dt.timedelta(seconds=600))
    PeriodicRun.objects.create(
        task="notifications.tasks.resend_pending_email", finished_at=NOON - dt.timedelta(seconds=121)
    )
    sweep, resend = periodic_status()
    assert (sweep.interval, sweep.late) == (dt.timedelta(seconds=300), False)
    assert (resend.interval, resend.late) == (dt.timedelta(seconds=60), True)


def test_a_task_that_never_ran_is_late():
    assert [row.late for row in periodic_status()] == [True, True]


def test_the_staff_home_shows_last_runs_lateness_and_failed_emails(client, reviewer):
    sweep_deadlines.apply()
    PeriodicRun.objects.create(
        task="notifications.tasks.resend_pending_email", finished_at=NOON - dt.timedelta(minutes=5)
    )
    for status in ("failed", "failed", "sent"):
        OutboundEmail.objects.create(template="t", to="x@example.com", language="zh-hans", status=status)
    client.force_login(reviewer)
    with translation.override("en"):
        html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html[html.index('id="staff-operations"') :]
    section = section[: section.index("</table>")]
    assert "last ran 2026-11-30 12:00:00" in section  # Beijing time
    assert "last ran 2026-11-30 11:55:00" in section
    assert section.count("Late: check Celery beat and the workers.") == 1
    assert '<td class="failed-emails">2</td>' in section
    assert "?status__exact=failed" in section


def test_staff_without_a_role_do_not_see_it(client, staff_user):
    client.force_login(staff_user)
    assert 'id="staff-operations"' not in client.get(reverse("admin:index")).content.decode()
