"""Filing a complaint."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from complaints import evidence_pipeline, recipients
from complaints.consents import record_consent
from complaints.models import Complaint, Evidence, ReferenceCounter, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party

from . import Account, action
from .notify import tell_consumer
from .respondents import deliver_if_joined
from .status import running_deadlines
from .timeline import record_event


def next_reference(now: dt.datetime) -> str:
    """TS-YYYYMMDD-NNNN, numbered per Beijing day. Call inside a transaction: the
    counter row stays locked until commit, so two filings never share a number."""
    day = timezone.localdate(now)
    ReferenceCounter.objects.get_or_create(day=day)
    ReferenceCounter.objects.filter(day=day).update(last_number=F("last_number") + 1)
    number = ReferenceCounter.objects.values_list("last_number", flat=True).get(day=day)
    return f"TS-{day:%Y%m%d}-{number:04d}"


@action
def file_complaint(
    *, owner: Account, data: dict[str, Any], evidence: list[Evidence], submission_token: uuid.UUID, language: str
) -> Complaint:
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
            # A platform on Tousu has it at once: delivery starts its clocks.
            delivery = deliver_if_joined(complaint, now=now)
            tell_consumer(
                complaint,
                "complaint_submitted",
                language=language,
                # Delivered at once: the deadlines that now run, in words.
                build_context=lambda: {
                    "evidence_count": len(evidence),
                    "delivered_to": delivery.organisation.name if delivery else "",
                    "deadlines": running_deadlines(complaint) if delivery else [],
                },
                dedupe_key=f"submitted:{complaint.pk}",
            )
    except IntegrityError:
        # The same submission raced in twice; the first one won.
        existing = Complaint.objects.filter(submission_token=submission_token, owner=owner).first()
        if existing:
            return existing
        raise
    return complaint
