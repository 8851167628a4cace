"""The actions layer: every change to a complaint goes through a function here.

Views, the admin and Celery tasks call these; none of them writes a status, a
timeline event or an evidence row directly. Uploads go through the evidence pipeline
(complaints.evidence_pipeline) until an action here makes them part of a complaint;
every timeline line is written by complaints.timeline.record_event.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import language_of
from core.parties import Party
from notifications.services import queue_email

from . import evidence_pipeline, recipients, signals, states
from .consents import record_consent
from .models import Complaint, Evidence, ReferenceCounter, TimelineEvent
from .states import Actor, Status
from .timeline import record_event

log = logging.getLogger(__name__)


class TransitionNotAllowed(Exception):
    """A move the state machine forbids, or, without a target, any change (a message,
    more evidence) to a complaint whose status takes none."""

    def __init__(self, source, target=None):
        self.source, self.target = source, target
        if target is None or target == source:  # no status "becomes" itself
            message = _("A complaint that is “%(source)s” can no longer be changed.")
        else:
            message = _("A complaint that is “%(source)s” cannot become “%(target)s”.")
        super().__init__(message % {"source": Status(source).label, "target": Status(target or source).label})


class ComplaintChanged(Exception):
    """Someone else changed the complaint's status between reading and writing it."""


# --- Evidence ---------------------------------------------------------------


def add_evidence(complaint: Complaint, *, actor, evidence: list[Evidence]) -> None:
    """The consumer adds already-staged evidence to their open complaint; a reply to a
    request for information puts the case back in review."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in states.TERMINAL:
            raise TransitionNotAllowed(locked.status)
        attach_evidence(locked, evidence, actor=actor, role=Actor.CONSUMER)
        _consumer_replied(locked, actor)


def attach_evidence(complaint: Complaint, evidence: list[Evidence], *, actor, role: str) -> TimelineEvent | None:
    """Make staged evidence (uploaded by the complaint's owner, not yet filed) part of
    `complaint` and put it on the timeline: the one writer of Evidence.complaint after
    filing, for the consumer and for staff recording the platform's files alike.

    The complaint's row is locked until the caller's transaction ends, so two callers
    adding files at once are counted one after the other and cannot pass the limit.
    Raises EvidenceLimitReached, or ValidationError("expired") when an upload was purged
    meanwhile, before anything is written."""
    if not evidence:
        return None
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        evidence_pipeline.check_room_for_evidence(locked, len(evidence))
        evidence_pipeline.claim_staged(locked, evidence, owner_id=locked.owner_id)
        names = ", ".join(e.original_name for e in evidence)
        return record_event(locked, TimelineEvent.Kind.EVIDENCE_ADDED, actor=actor, role=role, text=names)


# --- Filing -----------------------------------------------------------------


def next_reference(now: dt.datetime) -> str:
    """TS-YYYYMMDD-NNNN, numbered per Beijing day. Call inside a transaction: the
    counter row stays locked until commit, so two filings never share a number."""
    day = timezone.localdate(now)
    ReferenceCounter.objects.get_or_create(day=day)
    ReferenceCounter.objects.filter(day=day).update(last_number=F("last_number") + 1)
    number = ReferenceCounter.objects.values_list("last_number", flat=True).get(day=day)
    return f"TS-{day:%Y%m%d}-{number:04d}"


def file_complaint(*, owner, data: dict, evidence: list[Evidence], submission_token, language: str) -> Complaint:
    """Store a complaint whole, with its evidence, the consumer's consent to share it with
    the platform, first timeline event and confirmation email, or nothing at all. A
    replay of the same submission returns the first one. Callers ask for that consent
    first (ComplaintForm.platform_consent)."""
    existing = Complaint.objects.filter(submission_token=submission_token, owner=owner).first()
    if existing:
        return existing
    if len(evidence) > settings.EVIDENCE_MAX_FILES:
        raise evidence_pipeline.EvidenceLimitReached()
    now = timezone.now()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                reference=next_reference(now),
                owner=owner,
                submission_token=submission_token,
                language=language,
                created_at=now,
                status_changed_at=now,
                **data,
            )
            evidence_pipeline.claim_staged(complaint, evidence, owner_id=owner.pk)
            # The form asked for it (ComplaintForm.platform_consent); stored with its text.
            record_consent(user=owner, complaint=complaint, recipient=Party.PLATFORM, at=now)
            record_event(
                complaint, TimelineEvent.Kind.SUBMITTED, actor=owner, role=Actor.CONSUMER, to_status=Status.SUBMITTED
            )
            recipients.request_contact_confirmation(complaint, now=now)
            email_consumer(
                complaint,
                "complaint_submitted",
                {"evidence_count": len(evidence)},
                language=language,
                dedupe_key=f"submitted:{complaint.pk}",
            )
    except IntegrityError:
        # The same submission raced in twice; the first one won.
        existing = Complaint.objects.filter(submission_token=submission_token, owner=owner).first()
        if existing:
            return existing
        raise
    return complaint


# --- Status -----------------------------------------------------------------


def transition(
    complaint: Complaint,
    target: str,
    *,
    actor,
    role: str,
    text: str = "",
    details: dict | None = None,
    email: bool = True,
) -> Complaint:
    """Move `complaint` to `target` if the state machine lets `role` do it.

    1. Check the move in complaints.states.
    2. Write the new status with a conditional update on the old one, so two people
       acting at once cannot both move it.
    3. Record the move on the timeline, tell listeners (escalation clocks) and, when
       staff or the system made it, email the consumer. `email=False`: the caller
       sends one email about the whole change itself (escalation.ladder.record_step).
    """
    source = complaint.status
    if not states.allowed(source, target, role):
        raise TransitionNotAllowed(source, target)
    now = timezone.now()
    with transaction.atomic():
        changed = Complaint.objects.filter(pk=complaint.pk, status=source).update(
            status=target, status_changed_at=now, updated_at=now
        )
        if changed != 1:
            raise ComplaintChanged(complaint.reference)
        complaint.status, complaint.status_changed_at = target, now
        record_event(
            complaint,
            TimelineEvent.Kind.STATUS_CHANGED,
            actor=actor,
            role=role,
            from_status=source,
            to_status=target,
            text=text,
            at=now,
        )
        signals.status_changed.send(
            sender=Complaint,
            complaint=complaint,
            source=source,
            target=target,
            actor=actor,
            role=role,
            at=now,
            details=details or {},
        )
        if role != Actor.CONSUMER and email:
            email_consumer(
                complaint,
                "status_changed",
                {"source": Status(source).label, "target": Status(target).label, "text": text},
                now,
            )
    return complaint


def withdraw(complaint: Complaint, *, actor, reason: str = "") -> Complaint:
    return transition(complaint, Status.WITHDRAWN, actor=actor, role=Actor.CONSUMER, text=reason)


def record_route_step(complaint: Complaint, *, actor, role: str, text: str) -> TimelineEvent:
    """A step on a route after the platform that does not change the status (12315's
    decision, the end of mediation, a second body): one timeline event. The caller
    (escalation.ladder.record_step) holds the complaint's row lock and checked the step."""
    return record_event(complaint, TimelineEvent.Kind.ROUTE_STEP, actor=actor, role=role, text=text)


# --- Messages ---------------------------------------------------------------


def post_message(complaint: Complaint, *, actor, role: str, text: str, staff_only: bool = False) -> TimelineEvent:
    """A message on the timeline: from the consumer, from staff to the consumer, or an
    internal note (staff_only) the consumer never sees."""
    if role == Actor.CONSUMER and staff_only:
        raise ValueError("consumers cannot write internal notes")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if role == Actor.CONSUMER and locked.status in states.TERMINAL:
            raise TransitionNotAllowed(locked.status)
        kind = TimelineEvent.Kind.NOTE if staff_only else TimelineEvent.Kind.MESSAGE
        event = record_event(locked, kind, actor=actor, role=role, text=text, staff_only=staff_only)
        if role == Actor.CONSUMER:
            _consumer_replied(locked, actor)
        elif not staff_only:
            email_consumer(locked, "new_message", {"text": text}, event.created_at)
    complaint.status = locked.status
    return event


def _consumer_replied(complaint: Complaint, actor) -> None:
    """A consumer answering a request for information puts the case back in review."""
    if complaint.status == Status.NEEDS_INFO:
        transition(complaint, Status.IN_REVIEW, actor=actor, role=Actor.CONSUMER, text="")


# --- Helpers ----------------------------------------------------------------


def email_consumer(
    complaint: Complaint, template: str, extra: dict, at: dt.datetime | None = None, *, language="", dedupe_key=""
) -> None:
    """Email the consumer about `complaint` at the address complaints.recipients allows;
    nothing when the account has no verified address. The one path for email about a
    complaint to its consumer (escalation.ladder uses it for steps staff record)."""
    to = recipients.recipient_for(complaint)
    if to is None:
        log.info("complaint %s: no verified address, %s not emailed", complaint.pk, template)
        return
    queue_email(
        template=template,
        to=to,
        language=language or (language_of(complaint.owner) if complaint.owner_id else complaint.language),
        context={"complaint": complaint, **extra},
        complaint=complaint,
        dedupe_key=dedupe_key or f"{template}:{complaint.pk}:{at.timestamp()}",
    )
