from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RespondentsConfig(AppConfig):
    name = "respondents"
    verbose_name = _("Respondents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Register the tasks in every process, so a publisher that names them
        # (core.publishing.publish_by_name) finds them, also when run eagerly.
        from . import tasks  # noqa: F401
