import datetime as dt

from celery import shared_task
from django.conf import settings

from . import services


@shared_task
def purge_unclaimed_evidence() -> int:
    return services.purge_unclaimed_evidence(older_than=dt.timedelta(hours=settings.EVIDENCE_UNCLAIMED_TTL_HOURS))
