from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from notifications.signals import email_finished

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import HolidayOverride, PublishedSchedule
        from .reminders import record_email_outcome

        email_finished.connect(record_email_outcome, dispatch_uid="escalation.reminder_outcome")
        for model in (HolidayOverride, PublishedSchedule):
            post_save.connect(_invalidate, sender=model, dispatch_uid=f"escalation.calendar.save.{model.__name__}")
            post_delete.connect(_invalidate, sender=model, dispatch_uid=f"escalation.calendar.delete.{model.__name__}")


def _invalidate(sender, **kwargs):
    from .workdays import invalidate_calendar

    invalidate_calendar()
