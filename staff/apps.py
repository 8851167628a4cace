from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff queue")

    def ready(self):
        from django.contrib import admin

        from actions.forwarding import note_platform_email_outcome
        from notifications.signals import email_finished

        email_finished.connect(note_platform_email_outcome, dispatch_uid="staff.platform_email_outcome")

        from celery.signals import task_postrun, task_prerun

        from .operations import note_periodic_start, record_periodic_run

        task_prerun.connect(note_periodic_start, dispatch_uid="staff.periodic_start")
        task_postrun.connect(record_periodic_run, dispatch_uid="staff.periodic_run")

        # The admin home is the staff home: figures and charts above the app list.
        # (django.contrib.admin's own admin/index.html comes first in the template
        # search, so the staff home is named here rather than overridden.)
        admin.site.index_template = "admin/staff_index.html"
