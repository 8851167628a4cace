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


# On the `ocr` queue too, after the reads already queued: the forwarding email waits for
# its screenshots to be read (actions.forwarding.forward), and reads what is still unread.
@shared_task(name="reading.email_platform_when_read", acks_late=True)
def email_platform_when_read(complaint_id: int, event_id: int, to: str) -> None:
    from actions.forwarding import email_platform_after_reading

    for evidence_id in services.unread_ids_of(complaint_id):
        services.read_evidence(evidence_id)
    email_platform_after_reading(complaint_id, event_id, to)
