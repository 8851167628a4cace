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
from notifications.services import live_message, queue_message
from notifications.transports import TRANSPORTS

log = logging.getLogger(__name__)

# The moments a consumer's messages about one complaint are grouped in: the status moves
# of a minute (staff claim it, then forward it), and the reminders of one sweep.
MOMENT_STATUS = "status"
MOMENT_REMINDERS = "reminders"


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


def chosen_templates(
    complaint: Complaint, message: str, addresses: dict[str, str], context: dict[str, Any]
) -> dict[str, str]:
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
    moment: str = "",
    facts: dict[str, list[Any]] | None = None,
) -> list[OutboundEmail]:
    """Tell the consumer `message` (a template name) about `complaint` on every
    transport they can be reached on; nothing when there is none. `build_context`, if
    given, makes the context inside the consumer's language (for lazily translated
    values). Returns the outbox rows, existing ones included on a rerun (the message a
    row was merged into, if it was).

    `moment` (MOMENT_STATUS, MOMENT_REMINDERS) makes it one message with whatever else
    of that moment about this complaint is still waiting (notifications.services
    queue_message); `facts` are its lines the merged message carries on, rendered here
    in the consumer's language."""
    addresses = consumer_addresses(complaint)
    owner_id = complaint.owner_id
    # An erased complaint has no owner, and so no address either.
    if not addresses or owner_id is None:
        log.info("complaint %s: no confirmed address, %s not sent", complaint.pk, message)
        return []
    language = language or consumer_language(complaint)
    if build_context is not None:
        with translation.override(language):
            context = build_context()
    context = {"complaint": complaint, **(context or {})}
    moment_key = f"complaint:{complaint.pk}:{moment}" if moment else ""
    if moment_key:
        # One writer per complaint at a time: two reminders of one sweep, sent by two
        # workers at once, each see the other's message (SQLite serialises writers).
        Complaint.objects.select_for_update().filter(pk=complaint.pk).values_list("pk").first()
        with translation.override(language):
            # A line is a (lazy) string, or a callable made in the language like build_context.
            lines_of = {
                key: [line() if callable(line) else line for line in lines] for key, lines in (facts or {}).items()
            }
            facts = {key: [str(line) for line in lines if line] for key, lines in lines_of.items()}
    rows = []
    for name, template in chosen_templates(complaint, message, addresses, context).items():
        # Email keeps the keys it always had; another transport gets its own.
        key = dedupe_key if name == "email" else f"{dedupe_key}:{name}"
        row = queue_message(
            transport=name,
            template=template,
            to=addresses[name],
            language=language,
            context={**context, "sms_stop": contact.stop_token(owner_id)} if name == "sms" else context,
            about=complaint,
            dedupe_key=key,
            headers=headers,
            moment=moment_key,
            facts=facts if moment_key else None,
        )
        # None: a rerun; the first run's row (or the one it was merged into) is the one to report.
        rows.append(row or live_message(OutboundEmail.objects.get(dedupe_key=key)))
    return rows
