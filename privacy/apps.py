from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The consumer's rights over their data (PIPL): a copy, deletion, retention.

    It sits above complaints, notifications and escalation (it reads and erases their
    rows) and below staff, whose admin offers the erasure to supervisors."""

    name = "privacy"
    verbose_name = _("Personal data")
