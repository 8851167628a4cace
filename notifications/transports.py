"""The ways Tousu reaches a person: one class per transport, one registration each.

healthchecks' hc/integrations/ is the model. A transport knows how to put one message
for one address in the outbox (notifications.models), which then delivers it exactly
once, retried with backoff and resent by the sweep, visible to staff. Email is the
only transport today; SMS (a later issue) is one more class registered here, and the
callers (actions.notify.tell_consumer) do not change.
"""

from __future__ import annotations

from typing import ClassVar

from .models import OutboundEmail
from .services import queue_email


class Transport:
    """One way to reach a person. `name` keys the consumer's confirmed addresses."""

    name: ClassVar[str]

    def queue(
        self,
        *,
        message: str,
        to: str,
        language: str,
        context: dict,
        about,
        dedupe_key: str,
        headers: dict[str, str] | None = None,
    ) -> OutboundEmail:
        """Store `message` (a template name) for `to` in the outbox, in the same
        transaction as the caller's change; return its row (the existing one when the
        dedupe key was used before, so a rerun finds what the first run stored)."""
        raise NotImplementedError


class EmailTransport(Transport):
    name = "email"

    def queue(self, *, message, to, language, context, about, dedupe_key, headers=None):
        return queue_email(
            template=message,
            to=to,
            language=language,
            context=context,
            about=about,
            transport=self.name,
            dedupe_key=dedupe_key,
            headers=headers,
        ) or OutboundEmail.objects.get(dedupe_key=dedupe_key)


TRANSPORTS: dict[str, Transport] = {}


def register(transport: Transport) -> Transport:
    TRANSPORTS[transport.name] = transport
    return transport


register(EmailTransport())
