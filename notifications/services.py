"""The outbox: store a message for any transport (notifications.transports), deliver
it exactly once, retry it with backoff. A transport renders and sends; this module
claims, records and retries, the same for all of them."""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.publishing import publish_by_name

from .models import EmailAttachment, OutboundEmail
from .signals import email_finished
from .transports import TRANSPORTS

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A claim outlives one send (SMTP gives up after EMAIL_TIMEOUT) and no more: a worker
# that died mid-send holds the row back for a minute, not five.
CLAIM_SECONDS = 60


@dataclass(frozen=True)
class Attachment:
    """A file to send with an email: either its `content`, or a `path` in the storage
    named `storage` (a STORAGES alias), read when the email is sent."""

    name: str
    content_type: str
    content: bytes | None = None
    storage: str = ""
    path: str = ""

    def __post_init__(self):
        if (self.content is None) == (not self.path) or bool(self.path) != bool(self.storage):
            raise ValueError("an attachment has either content, or a storage and a path")


def moment_hold() -> dt.timedelta:
    """How long a message of a moment waits for the rest of it (NOTIFICATION_MOMENT_SECONDS,
    read when used; 60 s: a claim and the forward that follows it are one message)."""
    return dt.timedelta(seconds=getattr(settings, "NOTIFICATION_MOMENT_SECONDS", 60))


def queue_message(
    *,
    transport: str,
    template: str,
    to: str,
    language: str,
    context: dict,
    about=None,
    dedupe_key: str | None = None,
    reply_to: str = "",
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
    moment: str = "",
    facts: dict[str, list[str]] | None = None,
) -> OutboundEmail | None:
    """Render `template` in `language`, store it with its `attachments` and the extra
    message `headers`, and send it after the transaction commits. Returns None when an
    email with the same dedupe_key already exists.

    A message with a `moment` (say "complaint:42:status") is one of a moment:
    1. It absorbs every message of the same moment, transport and recipient that is
       still pending and was never tried: their `facts` (lists of lines already in the
       recipient's language) come first in its own, and the template sees them all as
       `moment`; they become MERGED into it, so only the newest of a moment goes.
    2. It waits moment_hold() before it may go (next_attempt_at), for the rest of its
       moment; the resend sweep (every minute) sends it then. A worker that claimed
       an earlier one first sends that one: a claimed message is never taken back.
    The caller serialises the messages of one moment (actions.notify locks the
    complaint), so two writers cannot each miss the other's row."""
    now = timezone.now()
    facts = {key: list(lines) for key, lines in (facts or {}).items()}
    earlier: list[OutboundEmail] = []
    if moment:
        earlier = list(
            OutboundEmail.objects.filter(
                moment=moment, transport=transport, to=to, status=OutboundEmail.Status.PENDING, attempts=0
            )
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("created_at", "pk")
        )
        facts = _merged_facts([row.facts for row in earlier] + [facts])
        context = {**context, "moment": facts}
    rendered = TRANSPORTS[transport].render(template, language, context)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                template=template,
                to=to,
                language=language,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                reply_to=reply_to,
                headers=dict(headers or {}),
                about=about,
                transport=transport,
                dedupe_key=dedupe_key,
                variables=rendered.variables,
                moment=moment,
                facts=facts,
                next_attempt_at=now + moment_hold() if moment else now,
            )
            if earlier:
                # Conditional: one a sender claimed meanwhile goes as it is.
                OutboundEmail.objects.filter(
                    pk__in=[row.pk for row in earlier], status=OutboundEmail.Status.PENDING, attempts=0
                ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now)).update(
                    status=OutboundEmail.Status.MERGED, merged_into=email
                )
                OutboundEmail.objects.filter(merged_into__in=[row.pk for row in earlier]).update(merged_into=email)
            EmailAttachment.objects.bulk_create(
                EmailAttachment(
                    email=email,
                    position=position,
                    name=item.name,
                    content_type=item.content_type,
                    content=item.content,
                    storage=item.storage,
                    path=item.path,
                )
                for position, item in enumerate(attachments)
            )
    except IntegrityError:
        if dedupe_key and OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if email.next_attempt_at <= now:
        transaction.on_commit(lambda: enqueue_delivery(email.pk))
    return email


def _merged_facts(all_facts: list[dict]) -> dict[str, list[str]]:
    """Each key's lines, the earlier messages' first."""
    merged: dict[str, list[str]] = {}
    for facts in all_facts:
        for key, lines in (facts or {}).items():
            merged.setdefault(key, []).extend(lines)
    return merged


def live_message(email: OutboundEmail) -> OutboundEmail:
    """The message that carries `email`: itself, or the later one it was merged into."""
    while email.status == OutboundEmail.Status.MERGED and email.merged_into_id:
        email = OutboundEmail.objects.get(pk=email.merged_into_id)
    return email


def queue_email(**kwargs) -> OutboundEmail | None:
    """queue_message for the email transport: messages to staff, platforms and an
    address asked to confirm itself (everything to a consumer goes through
    actions.notify.tell_consumer)."""
    return queue_message(transport="email", **kwargs)


def enqueue_delivery(email_id: int) -> None:
    """Hand the email to Celery. If the broker is unreachable the row stays pending
    and the periodic resend picks it up; the user's request never fails for it."""
    publish_by_name("notifications.tasks.deliver_email", email_id)


def deliver(email_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one stored message, at most one sender at a time.

    1. Wait while its time has not come (a moment's hold, a retry's backoff). Ask its
       transport whether it may go now: an SMS in the quiet hours waits for
       08:00 (next_attempt_at moves, no attempt is counted; the resend sweep sends it).
    2. Claim the row with a conditional update (pending, not held by a live claim).
    3. Send it through its transport (an email over the configured backend, with
       its attachments; an SMS through the provider, whose message id is kept).
    4. Record sent (a sign-in code's values forgotten), or the error and the next attempt (exponential backoff);
       after MAX_ATTEMPTS it is failed and stays visible to staff. Either end is
       announced by signals.email_finished.
    """
    now = now or timezone.now()
    pending = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING)
    held = pending.only("transport", "template", "next_attempt_at").first()
    if held is None:
        return "skipped"
    if held.next_attempt_at > now:
        # Waiting for the rest of its moment, or for its backoff: the sweep sends it.
        return "held"
    hold = TRANSPORTS[held.transport].hold_until(held, now)
    if hold is not None:
        pending.update(next_attempt_at=hold)
        return "held"
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    if not email.message_id:
        email.message_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
        OutboundEmail.objects.filter(pk=email_id, message_id="").update(message_id=email.message_id)
        email.refresh_from_db(fields=["message_id"])
    try:
        attachments = TRANSPORTS[email.transport].send(email)
    except Exception as exc:  # SMTP, socket, storage, SMS provider and backend errors alike
        failed = email.attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED if failed else OutboundEmail.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + dt.timedelta(seconds=30 * 2**email.attempts),
            locked_until=None,
        )
        log.warning("email %s attempt %s failed: %s", email_id, email.attempts, exc)
        if failed:
            email_finished.send(sender=OutboundEmail, email=email, status="failed", attachments=0)
        return "failed" if failed else "retry"
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        locked_until=None,
        last_error="",
        provider_message_id=email.provider_message_id,
        **TRANSPORTS[email.transport].forget_after_send(email),
    )
    email_finished.send(sender=OutboundEmail, email=email, status="sent", attachments=attachments)
    return "sent"


def due_email_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Pending emails whose next attempt has come and that nobody holds."""
    now = now or timezone.now()
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
