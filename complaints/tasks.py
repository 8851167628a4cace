import datetime as dt

from celery import shared_task
from django.conf import settings

from . import evidence_pipeline


@shared_task(acks_late=True)
def process_evidence(evidence_id: int) -> str:
    from actions.evidence import process_evidence as sanitise  # tasks call the actions layer

    return sanitise(evidence_id)


@shared_task
def process_pending_evidence() -> int:
    """Catch up on uploads whose processing was never enqueued (broker down) or whose
    worker died mid-way."""
    ids = evidence_pipeline.pending_evidence_ids()
    for evidence_id in ids:
        evidence_pipeline.enqueue_processing(evidence_id)
    return len(ids)


@shared_task
def purge_unclaimed_evidence() -> int:
    return evidence_pipeline.purge_unclaimed_evidence(
        older_than=dt.timedelta(hours=settings.EVIDENCE_UNCLAIMED_TTL_HOURS)
    )
