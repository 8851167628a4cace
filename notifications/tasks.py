from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)


@shared_task
def resend_pending_email() -> int:
    """Catch up on emails whose send was never enqueued, crashed or is due a retry."""
    ids = services.due_email_ids()
    for email_id in ids:
        services.enqueue_delivery(email_id)
    return len(ids)
