from celery import shared_task
from django.conf import settings

from . import services

# A send calls out (SMTP, an SMS provider), each bounded by its own timeout. The soft
# limit is the backstop for a call that hangs past it: it raises inside the send, which
# records a failed attempt and schedules the retry like any other failure.
DELIVERY_SOFT_LIMIT = 3 * max(settings.EMAIL_TIMEOUT, settings.SMS_TIMEOUT)
DELIVERY_HARD_LIMIT = DELIVERY_SOFT_LIMIT + 30


@shared_task(acks_late=True, soft_time_limit=DELIVERY_SOFT_LIMIT, time_limit=DELIVERY_HARD_LIMIT)
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)


@shared_task
def resend_pending_email() -> int:
    """Catch up on emails whose send was never enqueued, crashed or is due a retry."""
    ids = services.due_email_ids()
    for email_id in ids:
        services.enqueue_delivery(email_id)
    return len(ids)
