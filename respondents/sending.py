"""Sending webhook messages: claim, sign, POST, record, retry.

1. Claim the message with a conditional update (pending, not locked by another
   sender), so two workers never post it at once.
2. Sign it per Standard Webhooks (webhook-id = the message's stable id, so a receiver
   recognises a repeat) and POST it with a short timeout.
3. A 2xx delivers it. Anything else schedules the next attempt along RETRY_SCHEDULE
   (about three days in all); past the last step the message has failed. Each failure
   counts against the endpoint: after WEBHOOK_DISABLE_AFTER_FAILURES in a row it is
   switched off and its managers are told by email.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import requests
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from notifications.services import queue_message

from .models import Member, WebhookEndpoint, WebhookMessage

log = logging.getLogger(__name__)

# Waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h
# (about three days). Standard Webhooks' own suggested schedule, stretched to 3 days.
RETRY_SCHEDULE = [
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=10),
    dt.timedelta(hours=24),
    dt.timedelta(hours=24),
]
SEND_TIMEOUT = 10  # seconds: a receiver should answer at once and work later
CLAIM_FOR = dt.timedelta(seconds=60)
# last_error of a message not sent because its endpoint was off; switching the endpoint
# back on sends those again (actions.respondent_admin.enable_webhook).
ENDPOINT_OFF = "endpoint disabled"


def body_of(message: WebhookMessage) -> str:
    """The exact bytes signed and sent: compact JSON with sorted keys."""
    return json.dumps(message.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def signed_headers(message: WebhookMessage, secret: str, at: dt.datetime) -> dict[str, str]:
    signature = Webhook(secret).sign(message.message_id, at, body_of(message))
    return {
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "Tousu-Webhooks/1",
    }


def claim(message_id: int, now: dt.datetime) -> WebhookMessage | None:
    claimed = (
        WebhookMessage.objects.filter(pk=message_id, status=WebhookMessage.Status.PENDING, next_attempt_at__lte=now)
        .exclude(locked_until__gt=now)
        .update(locked_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return None
    return WebhookMessage.objects.select_related("endpoint", "endpoint__organisation").get(pk=message_id)


def send_message(message_id: int) -> str | None:
    """Send one message if it is due; returns its status afterwards, or None when it
    was not ours to send (already delivered, not due, or claimed by another)."""
    now = timezone.now()
    message = claim(message_id, now)
    if message is None:
        return None
    endpoint = message.endpoint
    if not endpoint.enabled:
        _finish(message, status=WebhookMessage.Status.FAILED, error=ENDPOINT_OFF)
        return WebhookMessage.Status.FAILED
    try:
        response = requests.post(
            endpoint.url,
            data=body_of(message).encode(),
            headers=signed_headers(message, endpoint.secret, now),
            timeout=SEND_TIMEOUT,
            allow_redirects=False,
        )
        code, error = response.status_code, "" if response.ok else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        code, error = None, type(exc).__name__
    if not error:
        _finish(message, status=WebhookMessage.Status.DELIVERED, code=code)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=0)
        return WebhookMessage.Status.DELIVERED
    return _failed(message, code=code, error=error, now=now)


def _finish(message: WebhookMessage, *, status: str, code=None, error: str = "") -> None:
    WebhookMessage.objects.filter(pk=message.pk).update(
        status=status,
        last_status_code=code,
        last_error=error[:300],
        locked_until=None,
        delivered_at=timezone.now() if status == WebhookMessage.Status.DELIVERED else None,
    )


def _failed(message: WebhookMessage, *, code, error: str, now: dt.datetime) -> str:
    step = message.attempts - 1
    with transaction.atomic():
        if step < len(RETRY_SCHEDULE):
            WebhookMessage.objects.filter(pk=message.pk).update(
                last_status_code=code,
                last_error=error[:300],
                locked_until=None,
                next_attempt_at=now + RETRY_SCHEDULE[step],
            )
            status = WebhookMessage.Status.PENDING
        else:
            _finish(message, status=WebhookMessage.Status.FAILED, code=code, error=error)
            status = WebhookMessage.Status.FAILED
        WebhookEndpoint.objects.filter(pk=message.endpoint_id).update(failures_in_a_row=F("failures_in_a_row") + 1)
        _disable_if_failing(message.endpoint_id, now)
    log.info("webhook %s to endpoint %s failed: %s", message.message_id, message.endpoint_id, error)
    return status


def _disable_if_failing(endpoint_id: int, now: dt.datetime) -> None:
    """Switch an endpoint off after a run of failures, once, and tell its managers."""
    switched = WebhookEndpoint.objects.filter(
        pk=endpoint_id, enabled=True, failures_in_a_row__gte=settings.WEBHOOK_DISABLE_AFTER_FAILURES
    ).update(enabled=False, disabled_at=now)
    if not switched:
        return
    endpoint = WebhookEndpoint.objects.select_related("organisation").get(pk=endpoint_id)
    managers = Member.objects.filter(organisation=endpoint.organisation, role=Member.Role.MANAGER).select_related(
        "user"
    )
    for manager in managers:
        address = EmailAddress.objects.filter(user=manager.user, verified=True).order_by("-primary").first()
        if address:
            queue_message(
                transport="email",
                template="respondent_webhook_disabled",
                to=address.email,
                language=settings.LANGUAGE_CODE,
                context={"endpoint": endpoint, "organisation": endpoint.organisation},
                dedupe_key=f"webhook_disabled:{endpoint.pk}:{now.timestamp()}:{manager.pk}",
            )


def due_message_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """The sweep's work (respondents.tasks.resend_due_webhooks): pending messages whose
    next attempt is due and that no sender holds (a worker died, a retry came due)."""
    now = now or timezone.now()
    return list(
        WebhookMessage.objects.filter(status=WebhookMessage.Status.PENDING, next_attempt_at__lte=now)
        .exclude(locked_until__gt=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
