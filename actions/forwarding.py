"""Forwarding a complaint to the platform, and recording the platform's answer.

The rule of which channel may carry a complaint lives in staff.services
(forwarding_refusal); these actions enforce it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from channels.models import Channel
from complaints import evidence_pipeline
from complaints.models import Complaint, Consent, Evidence, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from core.publishing import publish_by_name
from notifications.models import OutboundEmail
from notifications.services import Attachment, queue_email
from reading import sharing
from reading.sharing import copy_or_wait
from staff.services import ForwardRefused, forwarding_refusal

from . import Person, action
from .evidence import attach_evidence
from .staff import record_staff_event
from .status import PlatformReached, transition

log = logging.getLogger(__name__)


PLATFORM_EMAIL_LANGUAGE = "zh-hans"
PLATFORM_FORWARD_TEMPLATE = "platform_forward"


# escalation.models.PlatformFiling records how the complaint reached the platform.
_FILING_CHANNEL = {"in_app": "app", "web_form": "website", "online_chat": "website", "email": "other"}


@action
def forward(complaint: Complaint, *, channel: Channel, actor: Person, text: str = "") -> Complaint:
    """Forward to the platform through `channel` (a channels.Channel of its body).

    1. Move to FORWARDED through the state machine, saying which kind of channel
       reached the platform; the move starts the clocks.
    2. For an email channel, put one email for this move in the outbox (sent after
       commit, retried like every email), with the sanitised evidence attached.
    Raises ForwardRefused, before anything changes, for a channel forwarding_refusal
    refuses.
    """
    refusal = forwarding_refusal(complaint, channel)
    if refusal:
        raise ForwardRefused(refusal, code="channel_refused")
    kind = "phone" if channel.is_phone else _FILING_CHANNEL.get(channel.kind, "other")
    transition(complaint, Status.FORWARDED, actor=actor, role=Actor.STAFF, text=text, reached=PlatformReached(kind))
    event = complaint.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED).order_by("-created_at", "-id").first()
    if channel.is_email and channel.normalised and event is not None:
        if sharing.waiting_for_reading(complaint, Party.PLATFORM):
            # Nothing leaves unread, and no web process reads: the ocr worker reads what
            # is left, then queues this email (reading.tasks.email_platform_when_read).
            complaint_id, event_id, to = complaint.pk, event.pk, channel.normalised
            transaction.on_commit(
                lambda: publish_by_name("reading.email_platform_when_read", complaint_id, event_id, to)
            )
        else:
            _queue_platform_email(complaint, to=channel.normalised, forwarded_event=event)
    return complaint


@action
def email_platform_after_reading(complaint_id: int, event_id: int, to: str) -> None:
    """The forwarding email, once every screenshot is read (the ocr worker calls this
    after reading them); one per forwarding move however often it runs."""
    complaint = Complaint.objects.get(pk=complaint_id)
    event = TimelineEvent.objects.get(pk=event_id)
    _queue_platform_email(complaint, to=to, forwarded_event=event)


def _queue_platform_email(complaint: Complaint, *, to: str, forwarded_event: TimelineEvent) -> None:
    """The complaint as the platform reads it (in Chinese), one email per forwarding
    move however often this runs. Only sanitised copies leave Tousu: evidence still
    being checked is neither listed nor attached, and each goes as the copy
    reading.sharing lets the platform have (personal data blurred unless the consumer
    chose to show it)."""
    evidence = list(complaint.evidence.ready().order_by("created_at", "id"))
    # forward() refuses a complaint without this consent (complaints.consents).
    consent = Consent.objects.get(complaint=complaint, recipient=Party.PLATFORM)
    queue_email(
        template=PLATFORM_FORWARD_TEMPLATE,
        to=to,
        language=PLATFORM_EMAIL_LANGUAGE,
        context={"complaint": complaint, "evidence": evidence, "consented_at": consent.given_at},
        about=complaint,
        dedupe_key=f"{PLATFORM_FORWARD_TEMPLATE}:{forwarded_event.pk}",
        reply_to=(settings.STAFF_NOTIFICATION_EMAILS or [""])[0],
        attachments=platform_attachments(evidence),
    )


def platform_attachments(evidence: Iterable[Evidence]) -> list[Attachment]:
    """Each evidence file as the platform may receive it (reading.sharing's copy for
    the platform), for the outbox to carry."""
    return [Attachment(item.original_name, item.content_type, copy_or_wait(item, Party.PLATFORM)) for item in evidence]


@action
def note_platform_email_outcome(*, email: OutboundEmail, status: str, attachments: int, **_kwargs: object) -> None:
    """Receiver of notifications.signals.email_finished: the outcome of an email to a
    platform goes on the complaint's staff timeline."""
    if email.template != PLATFORM_FORWARD_TEMPLATE or not email.about_id:
        return
    complaint = email.about
    if complaint is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if status == "sent":
            text = _("Complaint emailed to %(to)s with %(count)s attachment(s)") % {
                "to": email.to,
                "count": attachments,
            }
        else:
            text = _("Email to %(to)s failed") % {"to": email.to}
        record_staff_event(complaint, TimelineEvent.Kind.NOTE, actor=None, text=text)


def record_platform_response(
    complaint: Complaint, *, actor: Person, text: str, files: Sequence[UploadedFile[Any]] = ()
) -> Complaint:
    """The platform answered: move to PLATFORM_RESPONDED (this meets the first-response
    clock) with the answer as the timeline text, and attach its files to the complaint.

    Files go through the evidence pipeline (checked and sanitised images) and belong
    to the consumer's complaint, so the consumer sees them on their timeline too.

    1. Refuse (EvidenceLimitReached) before staging anything when the files would take
       the complaint past its limit.
    2. Stage the files, then move and attach them in one transaction
       (actions.evidence.attach_evidence checks the limit again under the lock).
    3. If anything is refused on the way, the staged uploads are deleted: nothing of
       the attempt stays.
    """
    evidence_pipeline.check_room_for_evidence(complaint, len(files))
    staged = []
    try:
        for upload in files:
            staged.append(evidence_pipeline.stage_evidence(complaint.owner, upload))
        _respond(complaint, actor=actor, text=text, staged=staged)
    except Exception:
        evidence_pipeline.discard_staged(staged)
        raise
    return complaint


@action
def _respond(complaint: Complaint, *, actor: Person, text: str, staged: list[Evidence]) -> None:
    transition(complaint, Status.PLATFORM_RESPONDED, actor=actor, role=Actor.STAFF, text=text)
    attach_evidence(complaint, staged, actor=actor, role=Actor.STAFF)


@action
def consumer_recorded_platform_answer(complaint: Complaint, *, actor: Person, text: str) -> Complaint:
    """The consumer says the platform answered them (outside Tousu): the same move as
    staff recording it (the first-response clock is met), with the consumer's account
    of the answer on the timeline. The ladder's routes open, as after any answer."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    transition(locked, Status.PLATFORM_RESPONDED, actor=actor, role=Actor.CONSUMER, text=text)
    complaint.status = locked.status
    return locked
