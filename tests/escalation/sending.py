"""Run the reminder tasks as a worker would, in tests that run in one transaction.

send_reminder only puts the email in the outbox; the outbox's commit hook delivers it.
A test's transaction never commits, so the hooks are run here, as the commit would."""

from django.test import TestCase

from actions.reminders import send_reminder
from escalation.models import Reminder


def send_reminders(reminder_ids) -> list[str]:
    """Send each claimed reminder and return each one's status afterwards (sent,
    failed, skipped, or pending while the outbox retries its email)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        for reminder_id in reminder_ids:
            send_reminder(reminder_id)
    statuses = dict(Reminder.objects.filter(pk__in=reminder_ids).values_list("pk", "status"))
    return [statuses[reminder_id] for reminder_id in reminder_ids]
