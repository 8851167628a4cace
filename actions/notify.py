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

from accounts import contact
from accounts.models import ContactPreference, language_of
from complaints import recipients
from complaints.models import Complaint
from notifications.models import OutboundEmail
from notifications.services import queue_message
from notifications.transports import TRANSPORTS

log = logging.getLogger(__name__)


def consumer_language(complaint: Complaint) -> str:
    """The language to write to the consumer in: their profile's, or the complaint's
    once the account is gone (the one home of this rule)."""
    return language_of(complaint.owner) if complaint.owner_id else complaint.language


def consumer_addresses(complaint: Complaint) -> dict[str, str]:
    """Transport name → the consumer's address on it, only where the holder confirmed
    it (complaints.recipients for email) and, for SMS, proved the number and consented
    (accounts.contact)."""
    addresses = {}
    email = recipients.recipient_for(complaint)
    if email:
        addresses["email"] = email
    if complaint.owner_id:
        phone = contact.sms_number_for(complaint.owner)
        if phone:
            addresses["sms"] = phone
    return addresses


def chosen_templates(complaint: Complaint, message: str, addresses: dict[str, str], context: dict) -> dict[str, str]:
    """Transport name → the template that carries `message` on it, for the transports
    the consumer chose: SMS only where it has a template for the message; "SMS only"
    drops the email of a message SMS carries, never one it does not."""
    chosen = {}
    for name in addresses:
        template = TRANSPORTS[name].template_for(message, context)
        if template:
            chosen[name] = template
    if "sms" in chosen and "email" in chosen and contact.channels_of(complaint.owner) == ContactPreference.Channels.SMS:
        del chosen["email"]
    return chosen


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
    context = {"complaint": complaint, **(context or {})}
    rows = []
    for name, template in chosen_templates(complaint, message, addresses, context).items():
        # Email keeps the keys it always had; another transport gets its own.
        key = dedupe_key if name == "email" else f"{dedupe_key}:{name}"
        row = queue_message(
            transport=name,
            template=template,
            to=addresses[name],
            language=language,
            context={**context, "sms_stop": contact.stop_token(complaint.owner_id)} if name == "sms" else context,
            about=complaint,
            dedupe_key=key,
            headers=headers,
        )
        # None: a rerun; the first run's row is the one to report.
        rows.append(row or OutboundEmail.objects.get(dedupe_key=key))
    return rows
