from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """Every email we send, written in the same transaction as the change it reports.

    The row is the outbox: if the broker is down when the change commits, or a worker
    dies mid-send, notifications.tasks.resend_pending_email finds the row and sends it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Folded into a later message of the same moment before it was sent (merged_into).
        MERGED = "merged", _("Merged into a later message")

    template = models.CharField(_("template"), max_length=60)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    # Extra message headers set by the sender, e.g. List-Unsubscribe (RFC 2369 / RFC 8058).
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # The transport that carries it (notifications.transports): "email" today.
    transport = models.CharField(_("transport"), max_length=20, default="email")
    # One Message-ID for the row, stored before the first attempt and sent on every
    # retry: a copy sent again after a worker died mid-send is recognisably the same.
    message_id = models.CharField(_("message id"), max_length=200, blank=True)
    # What the message is about (a complaint, later a respondent's organisation): a
    # generic reference, so the outbox knows no app that sends through it. The
    # complaint's side is Complaint.emails (a GenericRelation), which also deletes
    # the messages with it.
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # Set for emails that must go out at most once (a given reminder, a confirmation).
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    # One message per moment (notifications.services.queue_message): messages about the
    # same thing in the same moment (a claim and a forward, two reminders of one sweep)
    # share this key; a later one absorbs a pending earlier one it finds, whose `facts`
    # (lists of already translated lines) it carries on, and the earlier is MERGED.
    moment = models.CharField(_("moment"), max_length=120, blank=True)
    facts = models.JSONField(_("moment facts"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="absorbed", verbose_name=_("merged into")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A sender holds the row until this time; a crashed sender's claim simply expires.
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # SMS (notifications.sms): the values the provider's approved template fills in, in
    # the template's order; nothing else of the body leaves. A sign-in code's are
    # forgotten once it is sent.
    variables = models.JSONField(_("template variables"), default=dict, blank=True)
    # What the provider calls the message (Aliyun's BizId, Tencent's SerialNo), and the
    # delivery receipt it later reports for it (notifications.sms.record_receipt).
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    receipt = models.CharField(_("delivery receipt"), max_length=20, blank=True)
    receipt_detail = models.CharField(_("receipt detail"), max_length=200, blank=True)
    receipt_at = models.DateTimeField(_("receipt received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [
            # notifications.tasks.resend_pending_email reads only these rows.
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="email_pending_due_idx"
            ),
            # notifications.services.queue_message looks for a pending message of the moment.
            models.Index(
                fields=["moment", "transport", "to"],
                condition=models.Q(status="pending") & ~models.Q(moment=""),
                name="outbox_pending_moment_idx",
            ),
            # A complaint's messages (its timeline, erasure, the data copy).
            models.Index(fields=["about_type", "about_id"], name="email_about_idx"),
            # notifications.sms.record_receipt finds the message a provider reports on.
            models.Index(
                fields=["provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="outbox_provider_id_idx",
            ),
        ]

    def __str__(self):
        # No address: this is the title of admin pages and log lines (staff.outbox_admin masks).
        return f"{self.template} #{self.pk}"


class EmailAttachment(models.Model):
    """A file that goes with an email: its bytes, stored with the email in the same
    transaction, or a path in one of the STORAGES, read when the email is sent. The
    sender decides what may leave (complaints' evidence goes as its blurred shared
    copy); the outbox only carries it."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(null=True, blank=True)
    # A STORAGES alias and a name in it, when the file is not stored here.
    storage = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["email", "position"]
        constraints = [
            models.UniqueConstraint(fields=["email", "position"], name="email_attachment_position_unique"),
            models.CheckConstraint(
                condition=models.Q(content__isnull=False, path="")
                | models.Q(content__isnull=True, storage__gt="", path__gt=""),
                name="email_attachment_bytes_or_path",
            ),
        ]

    def __str__(self):
        return self.name
