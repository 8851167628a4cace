from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Evidence


class ScreenshotReading(models.Model):
    """What OCR read on one sanitised evidence image (reading.services.read_evidence is
    its only writer). Facts are {field: {"value", "confidence"}} for the fields of
    reading.extract.FIELDS that were found; personal data is [{"kind", "box"}], the boxes
    to blur before a copy leaves."""

    class Status(models.TextChoices):
        READ = "read", _("Read")
        NOTHING_FOUND = "nothing_found", _("Nothing found")
        UNREADABLE = "unreadable", _("Could not be read")

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="reading")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    facts = models.JSONField(_("facts read"), default=dict, blank=True)
    personal_data = models.JSONField(_("personal data boxes"), default=list, blank=True)
    seconds = models.FloatField(_("seconds to read"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("screenshot reading")
        verbose_name_plural = _("screenshot readings")

    def __str__(self):
        return f"{self.evidence_id} {self.status}"

    def fact(self, name: str) -> dict | None:
        return self.facts.get(name)
