from celery import shared_task


@shared_task(name="respondents.tasks.send_webhook", ignore_result=True)
def send_webhook(message_id: int) -> None:
    """Send one webhook message (respondents.sending); safe to run twice. A failed
    attempt is tried again when its backoff is over."""
    from django.utils import timezone

    from .models import WebhookMessage
    from .sending import send_message

    if send_message(message_id) == WebhookMessage.Status.PENDING:
        due = WebhookMessage.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        if due:
            send_webhook.apply_async((message_id,), countdown=max(0, (due - timezone.now()).total_seconds()))


@shared_task(name="respondents.tasks.resend_due_webhooks", ignore_result=True)
def resend_due_webhooks() -> int:
    from .sending import due_message_ids

    due = due_message_ids()
    for pk in due:
        send_webhook.delay(pk)
    return len(due)
