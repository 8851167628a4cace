from celery import shared_task

from actions.erasure import erase_expired


@shared_task
def erase_expired_personal_data() -> int:
    """privacy.retention chooses, actions.erasure erases."""
    return erase_expired()
