"""The ways Tousu reaches a person: one class per transport, one registration each.

healthchecks' hc/integrations/ is the model. A transport knows how to render a message
from its template files in the recipient's language and how to send one stored
message; the outbox (notifications.services) does the rest the same way for every
transport: the row written in the caller's transaction, one sender at a time, retries
with backoff, the resend sweep, the outcome signal, the staff view. Email and SMS
(notifications.sms) are the transports; actions.notify.tell_consumer picks among them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import sms
from .models import OutboundEmail


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""
    # What a provider's approved template is filled with (SMS).
    variables: dict[str, str] = field(default_factory=dict)


class Transport:
    """One way to reach a person. `name` keys the consumer's confirmed addresses
    (actions.notify.consumer_addresses) and the outbox row's `transport`."""

    name: ClassVar[str]

    def template_for(self, message: str, context: dict[str, Any]) -> str | None:
        """The template that carries `message` on this transport, or None when this
        transport does not carry it."""
        return message

    def hold_until(self, message: OutboundEmail, now: dt.datetime) -> dt.datetime | None:
        """When a stored message may be sent, if not now."""
        return None

    def forget_after_send(self, message: OutboundEmail) -> dict[str, Any]:
        """Fields to overwrite once the message is sent (what must not be kept)."""
        return {}

    def render(self, template: str, language: str, context: dict[str, Any]) -> Rendered:
        raise NotImplementedError

    def send(self, message: OutboundEmail) -> int:
        """Send one stored message; raise on failure (the outbox retries). Returns how
        many attachments went with it."""
        raise NotImplementedError


class EmailTransport(Transport):
    """Templates live in templates/emails/<name>/{subject.txt,body.txt,body.html}. A
    missing template is an error at queue time, never a silently unsent email."""

    name = "email"

    def render(self, template: str, language: str, context: dict[str, Any]) -> Rendered:
        context = {"site_url": settings.SITE_URL, **context}
        with translation.override(language):
            subject: str = render_to_string(f"emails/{template}/subject.txt", context)
            text = render_to_string(f"emails/{template}/body.txt", context)
            html = render_to_string(f"emails/{template}/body.html", context)
        subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        return Rendered(subject, text.strip() + "\n", html)

    def send(self, message: OutboundEmail) -> int:
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
                # Stored in the row; a row always has one of the two (its check constraint).
                content = bytes(item.content or b"")
            email.attach(item.name, content, item.content_type)
        email.send()
        return len(email.attachments)


TRANSPORTS: dict[str, Transport] = {}


def register(transport: Transport) -> Transport:
    TRANSPORTS[transport.name] = transport
    return transport


class SmsTransport(Transport):
    """Text messages through the provider SMS_PROVIDER names (notifications.sms): only
    the message types with an approved template, only the variables it has, never in
    the quiet hours but a sign-in code. The local text is templates/sms/<name>.txt."""

    name = "sms"

    def template_for(self, message: str, context: dict[str, Any]) -> str | None:
        # A status change goes by SMS only when it asks the consumer for information, or
        # asks whether it is solved (the resolution's message carries the question).
        if message == "status_changed":
            if context.get("target_status") == "needs_info":
                return "info_requested"
            return "solved_question" if context.get("ask_solved") else None
        return message if message in sms.TEMPLATES else None

    def hold_until(self, message: OutboundEmail, now: dt.datetime) -> dt.datetime | None:
        return sms.quiet_until(message.template, now)

    def forget_after_send(self, message: OutboundEmail) -> dict[str, Any]:
        if message.template == "login_code":
            return {"variables": {}, "body_text": ""}
        return {}

    def render(self, template: str, language: str, context: dict[str, Any]) -> Rendered:
        spec = sms.TEMPLATES[template]
        complaint = context.get("complaint")
        values = {
            "reference": getattr(complaint, "reference", ""),
            "stop": context.get("sms_stop", ""),
            "code": context.get("code", ""),
        }
        variables = {name: values[name] for name in spec.variables}
        context = {"site_url": settings.SITE_URL, "sign_name": settings.SMS_SIGN_NAME, **variables}
        with translation.override(language):
            text = render_to_string(f"sms/{template}.txt", context)
        return Rendered("", " ".join(text.split()), variables=variables)

    def send(self, message: OutboundEmail) -> int:
        message.provider_message_id = sms.backend().send(message)
        return 0


register(EmailTransport())
register(SmsTransport())
