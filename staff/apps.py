from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff queue")

    def ready(self):
        from django.contrib import admin

        # The admin home is the staff home: figures and charts above the app list.
        # (django.contrib.admin's own admin/index.html comes first in the template
        # search, so the staff home is named here rather than overridden.)
        admin.site.index_template = "admin/staff_index.html"
