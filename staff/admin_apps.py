"""django.contrib.admin, with staff.admin_site.StaffAdminSite as `admin.site`.

Its own module: INSTALLED_APPS imports it before any model can be.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "staff.admin_site.StaffAdminSite"
