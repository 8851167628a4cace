"""Evidence becoming part of a complaint, and a refusal found after filing."""

import datetime as dt

from complaints import evidence_pipeline
from complaints.models import Complaint, Evidence, TimelineEvent
from complaints.states import Actor

from . import Person, action
from .timeline import record_event


@action
def attach_evidence(
    complaint: Complaint, evidence: list[Evidence], *, actor: Person, role: str
) -> TimelineEvent | None:
    """Make staged evidence (uploaded by the complaint's owner, not yet filed) part of
    `complaint` and put it on the timeline: the one writer of Evidence.complaint after
    filing, for the consumer and for staff recording the platform's files alike.

    The complaint's row is locked until the caller's transaction ends, so two callers
    adding files at once are counted one after the other and cannot pass the limit.
    Raises EvidenceLimitReached, or ValidationError("expired") when an upload was purged
    meanwhile, before anything is written."""
    if not evidence:
        return None
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    evidence_pipeline.check_room_for_evidence(locked, len(evidence))
    evidence_pipeline.claim_staged(locked, evidence, owner_id=locked.owner_id)
    names = ", ".join(e.original_name for e in evidence)
    return record_event(locked, TimelineEvent.Kind.EVIDENCE_ADDED, actor=actor, role=role, text=names)


def process_evidence(evidence_id: int, *, now: dt.datetime | None = None) -> str:
    """Sanitise one upload (complaints.evidence_pipeline.process_evidence: no
    transaction is held while it decodes) and, when it was refused after filing, tell
    the consumer on the complaint's timeline."""
    outcome = evidence_pipeline.process_evidence(evidence_id, now=now)
    if outcome == "rejected":
        _note_rejected(evidence_id)
    return outcome


@action
def _note_rejected(evidence_id: int) -> None:
    evidence = Evidence.objects.select_related("complaint").get(pk=evidence_id)
    if evidence.complaint is not None:
        record_event(
            evidence.complaint,
            TimelineEvent.Kind.EVIDENCE_REJECTED,
            actor=None,
            role=Actor.SYSTEM,
            text=evidence.original_name,
        )
