"""Webhooks: an organisation's systems hear of what happens to its complaints.

Events are written in the same transaction as the change (actions.respondents calls
queue_event) and sent after commit by the `webhooks` Celery task, signed per the
Standard Webhooks specification.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from core.publishing import publish_by_name

from .models import Delivery, WebhookEndpoint, WebhookMessage


def event_payload(delivery: Delivery, event: str, at: dt.datetime) -> dict:
    """What the event says: no personal data, only the reference, the status and
    where to read the rest (the API, which checks the token again)."""
    complaint = delivery.complaint
    return {
        "type": event,
        "timestamp": at.isoformat(),
        "data": {
            "reference": complaint.reference,
            "status": complaint.status,
            "delivered_at": delivery.delivered_at.isoformat(),
            "url": settings.SITE_URL + reverse("api:complaint", args=[complaint.reference]),
        },
    }


def queue_event(delivery: Delivery, event: str, *, at: dt.datetime) -> list[WebhookMessage]:
    """One message per enabled endpoint of the organisation, sent after commit."""
    endpoints = WebhookEndpoint.objects.filter(organisation_id=delivery.organisation_id, enabled=True)
    messages = [
        WebhookMessage.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload=event_payload(delivery, event, at),
            next_attempt_at=at,
        )
        for endpoint in endpoints
    ]
    for message in messages:
        # Published by name after commit; with the broker down the sweep
        # (respondents.tasks.resend_due_webhooks) sends it later.
        transaction.on_commit(functools.partial(publish_by_name, "respondents.tasks.send_webhook", message.pk))
    return messages
