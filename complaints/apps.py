from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from django.db.models.signals import post_delete

        from .models import Evidence
        from .receivers import delete_files_of_deleted_evidence

        post_delete.connect(delete_files_of_deleted_evidence, sender=Evidence, dispatch_uid="complaints.evidence_files")
