from celery import shared_task

from actions.erasure import erase_expired, purge_unverified_sign_ups


@shared_task
def erase_expired_personal_data() -> int:
    """privacy.retention chooses, actions.erasure erases."""
    return erase_expired()


@shared_task
def purge_unverified_accounts() -> int:
    """privacy.retention chooses the accounts never confirmed, actions.erasure deletes them."""
    return purge_unverified_sign_ups()
