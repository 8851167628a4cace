"""The evidence pipeline: an uploaded image from the form to a clean, served file.

1. stage_evidence: the cheap checks while the consumer waits; the raw upload is kept,
   never served, owned by its uploader and not yet part of a complaint.
2. process_evidence (in a Celery task): claim the upload with a lease, sanitise it
   (complaints.images), store the clean copy and thumbnail; or reject it with the reason.
3. claim_staged: filing, adding evidence or staff recording a platform's files make
   staged uploads part of a complaint, within the complaint's file limit.
4. purge_unclaimed_evidence: uploads never filed go after EVIDENCE_UNCLAIMED_TTL_HOURS.

The actions that put evidence on a complaint's timeline (actions.filing.file_complaint,
attach_evidence) call claim_staged; a rejection found by the task goes on the timeline
through actions.evidence.process_evidence, which wraps this module's.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.publishing import publish_by_name

from . import extensions
from .images import display_name, inspect_image, refusal, sanitise_image
from .models import Complaint, Evidence

log = logging.getLogger(__name__)

# How long a worker may hold an upload while sanitising it (a 12 MP photo takes ~0.1 s).
PROCESSING_CLAIM = dt.timedelta(seconds=60)


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


class StorageQuotaReached(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Your images have reached the storage limit of %(megabytes)s MB for one account. "
                "Remove images you no longer need from your drafts, or write to us."
            ),
            code="storage_quota",
            params={"megabytes": settings.EVIDENCE_ACCOUNT_QUOTA_BYTES // (1024 * 1024)},
        )


def stored_bytes_bound(width: int, height: int, upload_size: int) -> int:
    """The most one evidence item can take in storage: the raw upload until it is
    sanitised, or the clean copy (at most EVIDENCE_MAX_EDGE on its long edge, 3 bytes a
    pixel uncompressed, which no PNG or JPEG exceeds by more than its headers) and the
    thumbnail, whichever is larger."""
    scale = min(1.0, settings.EVIDENCE_MAX_EDGE / max(width, height, 1))
    copy = int(width * scale) * int(height * scale) * 3 + 4096
    thumbnail = settings.EVIDENCE_THUMBNAIL_SIZE[0] * settings.EVIDENCE_THUMBNAIL_SIZE[1] * 3
    return max(upload_size, copy + thumbnail)


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
        _hold_room_in_the_quota(owner, stored_bytes_bound(header.width, header.height, len(data)))
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


def _hold_room_in_the_quota(owner, adding: int) -> None:
    """Raise StorageQuotaReached when the owner's evidence (filed or not, refused uploads
    hold no file) plus `adding` would pass EVIDENCE_ACCOUNT_QUOTA_BYTES. Runs under the
    user row lock _hold_room_for_unclaimed took."""
    rows = (
        Evidence.objects.filter(owner=owner)
        .exclude(state=Evidence.State.REJECTED)
        .values_list("width", "height", "size")
    )
    used = sum(stored_bytes_bound(width or 0, height or 0, size) for width, height, size in rows.iterator())
    if used + adding > settings.EVIDENCE_ACCOUNT_QUOTA_BYTES:
        raise StorageQuotaReached()


def enqueue_processing(evidence_id: int) -> None:
    """Hand the upload to Celery. If the broker is unreachable the evidence stays
    pending and the periodic catch-up (process_pending_evidence) picks it up."""
    publish_by_name("complaints.tasks.process_evidence", evidence_id)


def process_evidence(evidence_id: int, *, now: dt.datetime | None = None) -> str:
    """Sanitise one pending upload; safe to run any number of times.

    1. Claim it with a conditional update (pending, no live claim), so two workers
       never both work on it and one killed mid-way leaves it to the next when the
       claim runs out.
    2. Sanitise the raw bytes (complaints.images.sanitise_image). A refusal marks it
       REJECTED with the reason (actions.evidence.process_evidence puts it on the
       complaint's timeline if it was filed already).
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
        _reject(evidence, error.code or "damaged")
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
    if evidence.upload.name:
        evidence.upload.storage.delete(evidence.upload.name)
    if stored != 1:
        # The row was deleted meanwhile (its consumer's data erased): leave no copy behind.
        storage.delete(file_name)
        storage.delete(thumbnail_name)
        return "deleted"
    # What apps above register for a clean image (the screenshot reading, on its own queue).
    for task_name in extensions.evidence_ready_tasks():
        publish_by_name(task_name, evidence_id)
    return "ready"


def _reject(evidence: Evidence, code: str) -> None:
    Evidence.objects.filter(pk=evidence.pk, state=Evidence.State.PENDING).update(
        state=Evidence.State.REJECTED, rejection=code, upload="", processing_until=None
    )
    if evidence.upload.name:
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


def discard_staged(evidence: Iterable[Evidence]) -> None:
    """Delete uploads staged for an attempt that was then refused, unless something
    made them part of a complaint meanwhile. Their files go after commit
    (complaints.receivers), as for every deleted Evidence row."""
    Evidence.objects.filter(pk__in=[e.pk for e in evidence], complaint__isnull=True).delete()


def purge_unclaimed_evidence(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete uploads that never became part of a complaint (abandoned forms)."""
    cutoff = (now or timezone.now()) - older_than
    # The files go after commit (complaints.receivers.delete_files_of_deleted_evidence).
    _total, deleted = Evidence.objects.filter(complaint__isnull=True, created_at__lt=cutoff).delete()
    return deleted.get(Evidence._meta.label, 0)


def check_room_for_evidence(complaint: Complaint, adding: int) -> None:
    """Raise EvidenceLimitReached when `adding` more files would take `complaint` past
    EVIDENCE_MAX_FILES. Callers ask before staging uploads, so a refusal stores
    nothing; attach_evidence asks again under the complaint's row lock."""
    if complaint.evidence.count() + adding > settings.EVIDENCE_MAX_FILES:
        raise EvidenceLimitReached()


def claim_staged(complaint: Complaint, evidence: list[Evidence], *, owner_id) -> None:
    """Point `owner_id`'s staged uploads at `complaint` in one conditional update; an
    upload rejected, purged or claimed meanwhile fails the whole claim."""
    ids = [e.pk for e in evidence]
    claimed = (
        Evidence.objects.filter(pk__in=ids, owner_id=owner_id, complaint__isnull=True)
        .exclude(state=Evidence.State.REJECTED)
        .update(complaint=complaint)
    )
    if claimed != len(ids):
        raise ValidationError(_("Some uploaded files expired. Please upload them again."), code="expired")
