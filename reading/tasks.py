from celery import shared_task

from . import services


# Routed to the `ocr` queue (CELERY_TASK_ROUTES): seconds of CPU each, so it runs on
# its own worker and never delays confirmations, reminders or sanitising.
@shared_task(name="reading.read_evidence", acks_late=True)
def read_evidence(evidence_id: int) -> str:
    return services.read_evidence(evidence_id)
