from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Evidence

# How each fact of reading.extract.FIELDS is named to staff and consumers.
FACT_LABELS = {
    "platform": _("Platform"),
    "order_number": _("Order number"),
    "amount": _("Amount paid (CNY)"),
    "ordered_at": _("Order time"),
    "shop_name": _("Shop"),
    "status": _("Order status"),
}


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

    def labelled_facts(self) -> list[tuple[str, str, int]]:
        """(label, value, confidence in per cent) of each fact read, in a fixed order."""
        return [
            (label, self.facts[name]["value"], round(100 * self.facts[name]["confidence"]))
            for name, label in FACT_LABELS.items()
            if name in self.facts
        ]
