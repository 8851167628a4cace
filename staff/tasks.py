from celery import shared_task

from . import services


@shared_task
def send_platform_email(email_id: int) -> str:
    """Send one forwarded complaint to its platform; a second run finds it claimed or sent."""
    return services.send_platform_email(email_id)
