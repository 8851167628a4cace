from celery import shared_task

from core.publishing import publish

from . import services


# Routed to the `ocr` queue (CELERY_TASK_ROUTES): seconds of CPU each, so it runs on
# its own worker and never delays confirmations, reminders or sanitising.
@shared_task(name="reading.read_evidence", acks_late=True)
def read_evidence(evidence_id: int) -> str:
    return services.read_evidence(evidence_id)


@shared_task(name="reading.read_unread_evidence")
def read_unread_evidence() -> int:
    """Catch up on screenshots whose reading was never handed out (broker down)."""
    ids = services.unread_evidence_ids()
    for evidence_id in ids:
        publish(read_evidence, evidence_id)
    return len(ids)
