"""What staff do that is not a complaint's own data: who opened whose personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.categories import Category


class AccessLog(models.Model):
    """A staff member opened a consumer's full phone number or email address, or the
    escalation packet or its evidence ZIP (complaints.access decides who may)."""

    class Field(models.TextChoices):
        NAME = "name", _("name")
        PHONE = "phone", _("phone")
        EMAIL = "email", _("email")
        PACKET = "packet", _("escalation packet")
        EVIDENCE_ZIP = "evidence_zip", _("packet ZIP with the evidence")
        PACKET_PDF = "packet_pdf", _("paperwork PDF with the evidence")
        # A respondent's member (respondents) opened the delivered complaint or its evidence.
        RESPONDENT_OPENED = "respondent_opened", _("opened by the respondent")
        RESPONDENT_EVIDENCE = "respondent_evidence", _("evidence opened by the respondent")
        # A stored email about the complaint opened in the outbox (staff.outbox_admin).
        EMAIL_BODY = "email_body", _("email opened in the outbox")
        # Evidence images (thumbnails or full size) opened in the staff admin: one row
        # per staff member and complaint in staff.services.EVIDENCE_LOG_WINDOW.
        EVIDENCE_IMAGE = "evidence_image", _("evidence images opened in the staff pages")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
    )
    # An organisation's own systems opened it through the API (respondents.api): the
    # token says which organisation and which of its systems; no person is behind it.
    api_token = models.ForeignKey(
        "respondents.ApiToken",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("API token"),
        null=True,
        blank=True,
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("complaint")
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contact access")
        verbose_name_plural = _("contact access log")
        # Read only: a log nobody may edit or delete (staff.roles grants view only).
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(api_token__isnull=False), name="accesslog_by_someone"
            ),
        ]
        indexes = [
            # The access log's "who opened this complaint's contacts" view.
            models.Index(fields=["complaint", "-created_at"], name="accesslog_complaint_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.field} {self.complaint_id}"


class PeriodicRun(models.Model):
    """When a periodic task Celery beat starts last finished without error; written by
    staff.operations.record_periodic_run in whichever worker ran it, read by the staff home."""

    task = models.CharField(max_length=200, unique=True)
    finished_at = models.DateTimeField()
    # How long that run took (the sweep's duration is a metric: staff.metrics).
    duration = models.FloatField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.task} {self.finished_at:%Y-%m-%d %H:%M:%S}"


class ReplyTemplate(models.Model):
    """A text staff start a message to the consumer from (asking for information,
    resolving, rejecting …), per category of complaint or for every one; supervisors
    keep them (staff.roles), the action forms offer them (staff.replies)."""

    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Leave empty to offer it for complaints of every category."),
    )
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [models.UniqueConstraint(fields=["category", "title"], name="replytemplate_unique_title")]

    def __str__(self):
        return self.title
