"""Thin Celery tasks: each takes an id (or nothing), calls a service, is safe to run twice."""

from celery import shared_task

from actions import reminders as reminder_actions

from . import digest, sweep


@shared_task
def sweep_deadlines() -> dict:
    """Every ESCALATION_SWEEP_SECONDS: claim due reminders, hand out stale ones again."""
    return reminder_actions.sweep()


@shared_task(acks_late=True)
def dispatch_reminders(reminder_ids: list[int]) -> int:
    """A large sweep's fan-out: publish one send_reminder task per id."""
    sweep.enqueue_reminders(reminder_ids, fan_out=False)
    return len(reminder_ids)


@shared_task(acks_late=True)
def send_reminder(reminder_id: int) -> str:
    """Queue the reminder's email; the outbox delivers and retries it."""
    return reminder_actions.send_reminder(reminder_id)


@shared_task
def send_staff_digest() -> int:
    return digest.send_staff_digest()
