"""The actions layer: every change to a complaint goes through a function here.

Views, the admin and Celery tasks call these; none of them writes a status, a
timeline event or an evidence row directly.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import language_of
from config.publishing import publish, publish_by_name
from notifications.services import queue_email

from . import recipients, signals, states
from .consents import Recipient, record_consent
from .images import display_name, inspect_image, refusal, sanitise_image
from .models import Complaint, Evidence, ReferenceCounter, TimelineEvent
from .states import Actor, Status

log = logging.getLogger(__name__)

# How long a worker may hold an upload while sanitising it (a 12 MP photo takes ~0.1 s).
PROCESSING_CLAIM = dt.timedelta(seconds=60)


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


class EvidenceLimitReached(ValidationError):
    def __init__(self):
        super().__init__(
            _("A complaint can have at most %(limit)s files."),
            code="too_many_files",
            params={"limit": settings.EVIDENCE_MAX_FILES},
        )


class UnclaimedEvidenceLimitReached(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "You already have %(limit)s uploaded images that are not part of a complaint. "
                "File a complaint with them first; images never filed are deleted after %(hours)s hours."
            ),
            code="too_many_unclaimed",
            params={"limit": settings.EVIDENCE_MAX_UNCLAIMED, "hours": settings.EVIDENCE_UNCLAIMED_TTL_HOURS},
        )


# --- Evidence ---------------------------------------------------------------


def stage_evidence(owner, uploaded) -> Evidence:
    """Check one uploaded file for `owner` and keep it, not yet part of a complaint.

    Only the cheap checks run here (complaints.images.inspect_image); the decoding and
    re-encoding run in a Celery task after commit, so a consumer filing three
    screenshots does not wait for them. Until then the evidence is PENDING and nothing
    of it is served. Raises ValidationError (with the reason, in the user's language)
    for anything that is not a JPEG, PNG, WebP or HEIC image within the limits.
    """
    if uploaded.size > settings.EVIDENCE_MAX_BYTES:
        # Refuse before reading a byte more than the limit into memory.
        raise refusal("too_large")
    data = uploaded.read(settings.EVIDENCE_MAX_BYTES + 1)
    header = inspect_image(data)
    evidence = Evidence(
        owner=owner,
        original_name=display_name(uploaded.name),
        content_type=header.content_type,
        sha256=header.sha256,
        size=len(data),
        width=header.width,
        height=header.height,
    )
    with transaction.atomic():
        _hold_room_for_unclaimed(owner)
        evidence.upload.name = _save_fresh(evidence.upload.storage, f"{owner.pk}/{evidence.public_id.hex}.upload", data)
        try:
            evidence.save()
        except Exception:
            delete_evidence_files(evidence)
            raise
    transaction.on_commit(lambda: enqueue_processing(evidence.pk))
    return evidence


def _hold_room_for_unclaimed(owner) -> None:
    """Raise UnclaimedEvidenceLimitReached when `owner` already holds
    EVIDENCE_MAX_UNCLAIMED uploads that are not part of a complaint.

    The owner's user row is locked until the caller's transaction ends, so concurrent
    uploads by one account are counted one after another and cannot all find the same
    last free place. Refused uploads hold no file and do not count."""
    list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))
    held = Evidence.objects.filter(owner=owner, complaint__isnull=True).exclude(state=Evidence.State.REJECTED)
    if held.count() >= settings.EVIDENCE_MAX_UNCLAIMED:
        raise UnclaimedEvidenceLimitReached()


def enqueue_processing(evidence_id: int) -> None:
    """Hand the upload to Celery. If the broker is unreachable the evidence stays
    pending and the periodic catch-up (process_pending_evidence) picks it up."""
    from .tasks import process_evidence

    publish(process_evidence, evidence_id)


def process_evidence(evidence_id: int, *, now: dt.datetime | None = None) -> str:
    """Sanitise one pending upload; safe to run any number of times.

    1. Claim it with a conditional update (pending, no live claim), so two workers
       never both work on it and one killed mid-way leaves it to the next when the
       claim runs out.
    2. Sanitise the raw bytes (complaints.images.sanitise_image). A refusal marks it
       REJECTED with the reason, on the complaint's timeline if it was filed already.
    3. Write the clean copy and thumbnail under names fixed by the evidence id, so a
       retry after a crash overwrites them instead of leaving orphans, then mark it
       READY and delete the raw upload.
    """
    now = now or timezone.now()
    claimed = (
        Evidence.objects.filter(pk=evidence_id, state=Evidence.State.PENDING)
        .filter(Q(processing_until__isnull=True) | Q(processing_until__lt=now))
        .update(processing_until=now + PROCESSING_CLAIM)
    )
    if claimed != 1:
        return "skipped"
    evidence = Evidence.objects.select_related("complaint").get(pk=evidence_id)
    try:
        with evidence.upload.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        # The storage lost it: retrying every minute would never help; tell the consumer.
        log.error("evidence %s: upload %s is missing", evidence_id, evidence.upload.name)
        _reject(evidence, "damaged")
        return "rejected"
    try:
        clean = sanitise_image(data)
    except ValidationError as error:
        _reject(evidence, error.code)
        return "rejected"
    stem = f"{evidence.owner_id}/{evidence.public_id.hex}"
    storage = evidence.file.storage
    file_name = _save_fresh(storage, f"{stem}.{clean.extension}", clean.content)
    thumbnail_name = _save_fresh(storage, f"{stem}-thumb.jpg", clean.thumbnail)
    stored = Evidence.objects.filter(pk=evidence_id, state=Evidence.State.PENDING).update(
        state=Evidence.State.READY,
        file=file_name,
        thumbnail=thumbnail_name,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        upload="",
        processing_until=None,
    )
    evidence.upload.storage.delete(evidence.upload.name)
    if stored != 1:
        # The row was deleted meanwhile (its consumer's data erased): leave no copy behind.
        storage.delete(file_name)
        storage.delete(thumbnail_name)
        return "deleted"
    publish_by_name("reading.read_evidence", evidence_id)  # OCR, on its own queue
    return "ready"


def _reject(evidence: Evidence, code: str) -> None:
    with transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk, state=Evidence.State.PENDING).update(
            state=Evidence.State.REJECTED, rejection=code, upload="", processing_until=None
        )
        if evidence.complaint_id:
            _record(
                evidence.complaint,
                TimelineEvent.Kind.EVIDENCE_REJECTED,
                actor=None,
                role=Actor.SYSTEM,
                text=evidence.original_name,
            )
    evidence.upload.storage.delete(evidence.upload.name)


def _save_fresh(storage, name: str, content: bytes) -> str:
    """Store `content` under exactly `name`, replacing what a crashed attempt left there.
    A bucket (django-storages with file_overwrite) replaces an object on save: deleting
    it first would only cost a request."""
    if not getattr(storage, "file_overwrite", False):
        storage.delete(name)
    return storage.save(name, ContentFile(content))


def pending_evidence_ids(now: dt.datetime | None = None, *, older_than=dt.timedelta(seconds=30), limit=500):
    """Pending evidence nobody holds and whose first hand-out should have been done by
    now: the broker was down when it was uploaded, or its worker died."""
    now = now or timezone.now()
    return list(
        Evidence.objects.filter(state=Evidence.State.PENDING, created_at__lt=now - older_than)
        .filter(Q(processing_until__isnull=True) | Q(processing_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def delete_evidence_files(evidence: Evidence) -> None:
    """Remove the upload, clean copy and thumbnail from the storage. Deleting an
    Evidence row calls this after commit (complaints.receivers), cascades included."""
    for field in (evidence.upload, evidence.file, evidence.thumbnail):
        if field.name:
            field.storage.delete(field.name)


def unclaimed_evidence(owner, public_ids: Iterable) -> list[Evidence]:
    """The owner's uploaded-but-not-yet-filed evidence among `public_ids`, in the given order."""
    wanted = []
    for value in public_ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    found = {e.public_id: e for e in Evidence.objects.filter(owner=owner, complaint__isnull=True, public_id__in=wanted)}
    return [found[pid] for pid in dict.fromkeys(wanted) if pid in found]


def purge_unclaimed_evidence(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete uploads that never became part of a complaint (abandoned forms)."""
    cutoff = (now or timezone.now()) - older_than
    # The files go after commit (complaints.receivers.delete_files_of_deleted_evidence).
    _total, deleted = Evidence.objects.filter(complaint__isnull=True, created_at__lt=cutoff).delete()
    return deleted.get(Evidence._meta.label, 0)


def add_evidence(complaint: Complaint, *, actor, evidence: list[Evidence]) -> None:
    """Attach already-staged evidence to an existing complaint and put it on the timeline."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in states.TERMINAL:
            raise TransitionNotAllowed(locked.status)
        present = locked.evidence.count()
        if present + len(evidence) > settings.EVIDENCE_MAX_FILES:
            raise EvidenceLimitReached()
        ids = [e.pk for e in evidence]
        claimed = (
            Evidence.objects.filter(pk__in=ids, owner=actor, complaint__isnull=True)
            .exclude(state=Evidence.State.REJECTED)
            .update(complaint=locked)
        )
        if claimed != len(ids):
            raise ValidationError(_("Some uploaded files expired. Please upload them again."), code="expired")
        names = ", ".join(e.original_name for e in evidence)
        _record(locked, TimelineEvent.Kind.EVIDENCE_ADDED, actor=actor, role=Actor.CONSUMER, text=names)
        _consumer_replied(locked, actor)


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
        raise EvidenceLimitReached()
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
            ids = [e.pk for e in evidence]
            claimed = (
                Evidence.objects.filter(pk__in=ids, owner=owner, complaint__isnull=True)
                .exclude(state=Evidence.State.REJECTED)
                .update(complaint=complaint)
            )
            if claimed != len(ids):
                raise ValidationError(_("Some uploaded files expired. Please upload them again."), code="expired")
            # The form asked for it (ComplaintForm.platform_consent); stored with its text.
            record_consent(user=owner, complaint=complaint, recipient=Recipient.PLATFORM, at=now)
            _record(
                complaint, TimelineEvent.Kind.SUBMITTED, actor=owner, role=Actor.CONSUMER, to_status=Status.SUBMITTED
            )
            recipients.request_contact_confirmation(complaint, now=now)
            email_consumer(
                complaint,
                "complaint_submitted",
                {"evidence_count": len(ids)},
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
        _record(
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
    return _record(complaint, TimelineEvent.Kind.ROUTE_STEP, actor=actor, role=role, text=text)


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
        event = _record(locked, kind, actor=actor, role=role, text=text, staff_only=staff_only)
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


def _record(complaint, kind, *, actor, role, from_status="", to_status="", text="", staff_only=False, at=None):
    return TimelineEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        text=text,
        staff_only=staff_only,
        created_at=at or timezone.now(),
    )


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
