"""What operators need on the staff home: is Celery beat's periodic work running on time,
and how many emails have given up.

Each watched task's last successful run is recorded by a Celery signal (task_postrun) in
the worker that ran it, so the escalation and notifications apps know nothing of it. A
task is late once more than twice its beat interval has passed since then: one missed
run can be a slow worker, two mean beat or the workers are down.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboundEmail

from .models import PeriodicRun

# Task name -> (its entry in settings.CELERY_BEAT_SCHEDULE, what staff call it).
WATCHED = {
    "escalation.tasks.sweep_deadlines": ("escalation-sweep-deadlines", _("Deadline sweep")),
    "notifications.tasks.resend_pending_email": ("resend-pending-email", _("Email resend")),
}


@dataclass(frozen=True)
class PeriodicStatus:
    label: str | Promise
    interval: dt.timedelta
    finished_at: dt.datetime | None
    late: bool


# task id -> when it started (monotonic), in the process that runs it.
_started: dict[str, float] = {}


def note_periodic_start(sender=None, task_id=None, **_kwargs) -> None:
    """Receiver of celery.signals.task_prerun."""
    if getattr(sender, "name", None) in WATCHED:
        _started[task_id] = time.monotonic()


def record_periodic_run(sender=None, task_id=None, state=None, **_kwargs) -> None:
    """Receiver of celery.signals.task_postrun."""
    started = _started.pop(task_id, None)
    if state != "SUCCESS" or getattr(sender, "name", None) not in WATCHED:
        return
    duration = time.monotonic() - started if started is not None else None
    PeriodicRun.objects.update_or_create(
        task=sender.name, defaults={"finished_at": timezone.now(), "duration": duration}
    )


def beat_interval(schedule_key: str) -> dt.timedelta:
    schedule = settings.CELERY_BEAT_SCHEDULE[schedule_key]["schedule"]
    if isinstance(schedule, int | float):
        return dt.timedelta(seconds=schedule)
    return schedule.run_every  # a celery.schedules.schedule


def periodic_status(now: dt.datetime | None = None) -> list[PeriodicStatus]:
    now = now or timezone.now()
    finished = dict(PeriodicRun.objects.filter(task__in=WATCHED).values_list("task", "finished_at"))
    rows = []
    for task, (schedule_key, label) in WATCHED.items():
        interval = beat_interval(schedule_key)
        last = finished.get(task)
        rows.append(PeriodicStatus(label, interval, last, late=last is None or now - last > 2 * interval))
    return rows


def failed_email_count() -> int:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
