from celery import shared_task

from . import retention


@shared_task
def erase_expired_personal_data() -> int:
    return retention.erase_expired()
