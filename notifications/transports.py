"""The ways Tousu reaches a person: one class per transport, one registration each.

healthchecks' hc/integrations/ is the model. A transport knows how to render a message
from its template files in the recipient's language and how to send one stored
message; the outbox (notifications.services) does the rest the same way for every
transport: the row written in the caller's transaction, one sender at a time, retries
with backoff, the resend sweep, the outcome signal, the staff view. Email is the only
transport today; SMS (a later issue) is one more class registered here, and the
callers (actions.notify.tell_consumer) do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import OutboundEmail


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


class Transport:
    """One way to reach a person. `name` keys the consumer's confirmed addresses
    (actions.notify.consumer_addresses) and the outbox row's `transport`."""

    name: ClassVar[str]

    def render(self, template: str, language: str, context: dict) -> Rendered:
        raise NotImplementedError

    def send(self, message: OutboundEmail) -> int:
        """Send one stored message; raise on failure (the outbox retries). Returns how
        many attachments went with it."""
        raise NotImplementedError


class EmailTransport(Transport):
    """Templates live in templates/emails/<name>/{subject.txt,body.txt,body.html}. A
    missing template is an error at queue time, never a silently unsent email."""

    name = "email"

    def render(self, template, language, context):
        context = {"site_url": settings.SITE_URL, **context}
        with translation.override(language):
            subject = render_to_string(f"emails/{template}/subject.txt", context)
            text = render_to_string(f"emails/{template}/body.txt", context)
            html = render_to_string(f"emails/{template}/body.html", context)
        subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        return Rendered(subject, text.strip() + "\n", html)

    def send(self, message):
        email = EmailMultiAlternatives(
            message.subject,
            message.body_text,
            settings.DEFAULT_FROM_EMAIL,
            [message.to],
            reply_to=[message.reply_to] if message.reply_to else None,
            headers={**(message.headers or {}), **({"Message-ID": message.message_id} if message.message_id else {})}
            or None,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for item in message.attachments.order_by("position"):
            if item.path:
                with storages[item.storage].open(item.path, "rb") as handle:
                    content = handle.read()
            else:
                content = bytes(item.content)
            email.attach(item.name, content, item.content_type)
        email.send()
        return len(email.attachments)


TRANSPORTS: dict[str, Transport] = {}


def register(transport: Transport) -> Transport:
    TRANSPORTS[transport.name] = transport
    return transport


register(EmailTransport())
