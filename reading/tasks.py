from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from core.publishing import publish

from . import services

# Routed to the `ocr` queue (CELERY_TASK_ROUTES): seconds of CPU each, so it runs on
# its own worker and never delays confirmations, reminders or sanitising.
# A screenshot reads in 1-2 s, a hostile one within ~10 s (reading.engine's caps). Past the
# soft limit the read is stopped and stored as failed; past the hard limit the worker child
# is killed, Celery hands the task out again (acks_late, reject on worker lost) and the
# attempt count (reading.services.MAX_ATTEMPTS) records it failed at the third start.
READ_SOFT_LIMIT = 20
READ_HARD_LIMIT = 30
# Redis serves priority 0 (the default) first and 9 last.
LOW_PRIORITY = 9


@shared_task(
    name="reading.read_evidence",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=READ_SOFT_LIMIT,
    time_limit=READ_HARD_LIMIT,
)
def read_evidence(evidence_id: int, deferred: bool = False) -> str:
    """Read one screenshot. Past its owner's READING_QUOTA_PER_HOUR, hand it back once to
    the same queue at LOW_PRIORITY: the ocr worker takes every other account's reading
    first (Redis keeps a list per priority and the worker empties the higher ones first),
    so one account cannot keep the queue busy for everyone."""
    if not deferred and services.over_quota(evidence_id):
        try:
            read_evidence.apply_async((evidence_id,), {"deferred": True}, priority=LOW_PRIORITY, retry=False)
            return "deferred"
        except Exception:  # the broker is unreachable: read it now rather than lose it
            pass
    return services.read_evidence(evidence_id, out_of_time=SoftTimeLimitExceeded)


@shared_task(name="reading.read_unread_evidence")
def read_unread_evidence() -> int:
    """Catch up on screenshots whose reading was never handed out (broker down)."""
    ids = services.unread_evidence_ids()
    for evidence_id in ids:
        publish(read_evidence, evidence_id)
    return len(ids)


# On the `ocr` queue too, after the reads already queued: the forwarding email waits for
# its screenshots to be read (actions.forwarding.forward), and reads what is still unread.
@shared_task(name="reading.email_platform_when_read", acks_late=True)
def email_platform_when_read(complaint_id: int, event_id: int, to: str) -> None:
    from actions.forwarding import email_platform_after_reading

    for evidence_id in services.unread_ids_of(complaint_id):
        services.read_evidence(evidence_id)
    email_platform_after_reading(complaint_id, event_id, to)
