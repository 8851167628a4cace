"""Telling the consumer: the one seam every message to a consumer goes through.

`tell_consumer` chooses the transports (notifications.transports) from the addresses
the consumer confirmed, renders in the consumer's language and puts one outbox row per
transport in the caller's transaction. Status moves, messages, reminders, route steps
and "Was it solved?" all call it; none of them builds a message of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.utils import translation

from accounts.models import language_of
from complaints import recipients
from complaints.models import Complaint
from notifications.models import OutboundEmail
from notifications.services import queue_message

log = logging.getLogger(__name__)


def consumer_language(complaint: Complaint) -> str:
    """The language to write to the consumer in: their profile's, or the complaint's
    once the account is gone (the one home of this rule)."""
    return language_of(complaint.owner) if complaint.owner_id else complaint.language


def consumer_addresses(complaint: Complaint) -> dict[str, str]:
    """Transport name → the consumer's address on it, only where the holder confirmed
    it (complaints.recipients for email)."""
    addresses = {}
    email = recipients.recipient_for(complaint)
    if email:
        addresses["email"] = email
    return addresses


def tell_consumer(
    complaint: Complaint,
    message: str,
    context: dict[str, Any] | None = None,
    *,
    dedupe_key: str,
    language: str = "",
    headers: dict[str, str] | None = None,
    build_context: Callable[[], dict[str, Any]] | None = None,
) -> list[OutboundEmail]:
    """Tell the consumer `message` (a template name) about `complaint` on every
    transport they can be reached on; nothing when there is none. `build_context`, if
    given, makes the context inside the consumer's language (for lazily translated
    values). Returns the outbox rows, existing ones included on a rerun."""
    addresses = consumer_addresses(complaint)
    if not addresses:
        log.info("complaint %s: no confirmed address, %s not sent", complaint.pk, message)
        return []
    language = language or consumer_language(complaint)
    if build_context is not None:
        with translation.override(language):
            context = build_context()
    rows = []
    for name, to in addresses.items():
        # Email keeps the keys it always had; another transport gets its own.
        key = dedupe_key if name == "email" else f"{dedupe_key}:{name}"
        row = queue_message(
            transport=name,
            template=message,
            to=to,
            language=language,
            context={"complaint": complaint, **(context or {})},
            about=complaint,
            dedupe_key=key,
            headers=headers,
        )
        # None: a rerun; the first run's row is the one to report.
        rows.append(row or OutboundEmail.objects.get(dedupe_key=key))
    return rows
