"""Thin Celery tasks: each takes an id (or nothing), calls a service, is safe to run twice."""

from celery import shared_task

from . import digest, reminders, sweep

# Retry a reminder whose email is not delivered yet after 30 s, 60 s, 120 s, ...
RETRY_BASE_SECONDS = 30


@shared_task
def sweep_deadlines() -> dict:
    """Every ESCALATION_SWEEP_SECONDS: claim due reminders, hand out stale ones again."""
    return sweep.sweep()


@shared_task(acks_late=True)
def dispatch_reminders(reminder_ids: list[int]) -> int:
    """A large sweep's fan-out: publish one send_reminder task per id."""
    sweep.enqueue_reminders(reminder_ids, fan_out=False)
    return len(reminder_ids)


@shared_task(bind=True, acks_late=True, max_retries=6)
def send_reminder(self, reminder_id: int) -> str:
    outcome = reminders.send_reminder(reminder_id)
    if outcome == "retry":
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    return outcome


@shared_task
def send_staff_digest() -> int:
    return digest.send_staff_digest()
