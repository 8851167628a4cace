from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "reading"
    verbose_name = _("Screenshot reading")

    def ready(self):
        # Register the task in every process, so a publisher that names it (complaints,
        # through core.publishing.publish_by_name) finds it, also when run eagerly.
        from complaints import extensions

        from . import tasks  # noqa: F401

        # Read each image once it is sanitised (complaints.evidence_pipeline), on the ocr queue.
        extensions.publish_when_evidence_ready("reading.read_evidence")
