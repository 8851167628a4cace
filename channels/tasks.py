from celery import shared_task

from . import services


@shared_task
def email_stale_verifications() -> int:
    """Weekly (CELERY_BEAT_SCHEDULE "channels-stale-verifications"); safe to run twice."""
    return services.email_stale_verifications()
