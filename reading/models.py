from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Evidence
from core.parties import Party

# How each fact of reading.extract.FIELDS is named to staff and consumers.
FACT_LABELS = {
    "platform": _("Platform"),
    "order_number": _("Order number"),
    "amount": _("Amount paid (CNY)"),
    "ordered_at": _("Order time"),
    "shop_name": _("Shop"),
    "status": _("Order status"),
}


# How sure a reading is, in words, from its confidence (reading.fill fills in only from 0.6).
SURENESS = ((0.9, _("fairly sure")), (0.6, _("somewhat sure")), (0.0, _("not sure")))


def how_sure(confidence: float) -> str:
    return str(next(words for floor, words in SURENESS if confidence >= floor))


class ScreenshotReading(models.Model):
    """What OCR read on one sanitised evidence image (reading.services.read_evidence is
    its only writer). Facts are {field: {"value", "confidence"}} for the fields of
    reading.extract.FIELDS that were found; personal data is [{"kind", "box"}], what the
    consumer is told was found; shareable_boxes are the only boxes a copy that leaves keeps
    readable."""

    class Status(models.TextChoices):
        READ = "read", _("Read")
        NOTHING_FOUND = "nothing_found", _("Nothing found")
        UNREADABLE = "unreadable", _("Could not be read")
        # The engine raised, ran out of time, or the worker was killed reading it twice:
        # never read again; its copies leave wholly blurred (reading.sharing.shared_copy).
        FAILED = "failed", _("Reading failed")

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="reading")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    facts = models.JSONField(_("facts read"), default=dict, blank=True)
    personal_data = models.JSONField(_("personal data boxes"), default=list, blank=True)
    # The boxes reading.allowlist lets through: the only pixels a copy that leaves keeps
    # clear (reading.blur.blur_except). Empty (a reading stored before the allow-list, or
    # nothing allowed): the copy is blurred all over.
    shareable_boxes = models.JSONField(_("boxes left readable on shared copies"), default=list, blank=True)
    seconds = models.FloatField(_("seconds to read"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("screenshot reading")
        verbose_name_plural = _("screenshot readings")

    def __str__(self):
        return f"{self.evidence_id} {self.status}"

    def facts_in_words(self) -> list[str]:
        """Each fact read as staff read it, in a fixed order: "平台：拼多多（把握较大）",
        the value as a person writes it (the platform's name, ¥ and two decimals, the date
        and time) and the confidence as how sure the reading is, never "pinduoduo 95%"."""
        from django.utils import formats
        from django.utils.dateparse import parse_datetime

        from platforms.models import Platform

        lines = []
        for name, label in FACT_LABELS.items():
            if name not in self.facts:
                continue
            value = str(self.facts[name]["value"])
            if name == "platform":
                platform = Platform.objects.filter(slug=value).first()
                value = platform.name if platform else value
            elif name == "amount":
                value = f"¥{value}"
            elif name == "ordered_at" and parse_datetime(value):
                value = formats.date_format(parse_datetime(value), "DATETIME_FORMAT")
            sure = how_sure(self.facts[name]["confidence"])
            lines.append(_("%(label)s: %(value)s (%(sure)s)") % {"label": label, "value": value, "sure": sure})
        return lines

    def labelled_facts(self) -> list[tuple[str, str, int]]:
        """(label, value, confidence in per cent) of each fact read, in a fixed order."""
        return [
            (label, self.facts[name]["value"], round(100 * self.facts[name]["confidence"]))
            for name, label in FACT_LABELS.items()
            if name in self.facts
        ]


class ReadingAttempt(models.Model):
    """How many times a worker started reading one evidence image (reading.services.
    read_evidence counts each start before reading). A worker killed mid-read (memory
    ceiling, hard time limit) leaves no ScreenshotReading, and Celery hands the task out
    again; at MAX_ATTEMPTS starts the next one records the reading as failed instead."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="reading_attempt")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("reading attempt")
        verbose_name_plural = _("reading attempts")

    def __str__(self):
        return f"{self.evidence_id} x{self.attempts}"


class SharingChoice(models.Model):
    """The consumer's choice to show (or hide again) the personal data OCR found on
    their evidence to one recipient of a complaint. Rows are only added, never changed,
    so who chose what and when stays on record; the newest row per complaint and
    recipient is in force, and with no row the personal data is blurred. Written only
    by reading.sharing.choose."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="sharing_choices")
    recipient = models.CharField(_("shared with"), max_length=20, choices=Party.choices)
    show_personal_data = models.BooleanField(_("personal data shown"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("chosen by")
    )
    chosen_at = models.DateTimeField(_("chosen at"), default=timezone.now)

    class Meta:
        verbose_name = _("sharing choice")
        verbose_name_plural = _("sharing choices")
        ordering = ["chosen_at", "id"]
        indexes = [
            # reading.sharing.shows_personal_data: the newest row of one complaint and recipient.
            models.Index(fields=["complaint", "recipient", "-chosen_at", "-id"], name="sharing_choice_newest"),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.recipient} {'shown' if self.show_personal_data else 'blurred'}"
