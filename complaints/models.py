import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import parties
from platforms.models import Platform

from .categories import Category, DesiredOutcome
from .images import refusal_message
from .states import Status


def evidence_storage():
    return storages["evidence"]


def _evidence_path(instance, filename):
    # Random names: never the uploader's, never guessable from another file's.
    return f"{instance.owner_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Complaint(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Null once the consumer's personal data was erased (actions.erasure): the row stays,
    # anonymous, for the statistics.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("consumer"),
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("platform")
    )
    category = models.CharField(_("what went wrong"), max_length=20, choices=Category.choices)
    order_number = models.CharField(_("order number"), max_length=40)
    order_date = models.DateField(_("order date"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    shop_name = models.CharField(_("shop or merchant"), max_length=120, blank=True)
    # What 12315's form asks beside the order (SAMR Order 121; the online form): the
    # product, the merchant's region, and the shop's operator company (its facts live in
    # the directory's one home, channels.OperatorCompany, marked as the consumer's).
    product_name = models.CharField(_("product or service"), max_length=200, blank=True)
    merchant_province = models.CharField(_("merchant's province"), max_length=20, blank=True)
    merchant_city = models.CharField(_("merchant's city"), max_length=40, blank=True)
    shop_operator = models.ForeignKey(
        "channels.OperatorCompany",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("shop's operator company"),
    )
    # The day the goods arrived: the 7-day no-reason return window runs from it (消保法 art. 25).
    received_on = models.DateField(_("received on"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    desired_outcome = models.CharField(_("what you want"), max_length=20, choices=DesiredOutcome.choices)
    desired_outcome_detail = models.CharField(_("details of what you want"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact email"))
    # Set when the holder of contact_email followed the confirmation link
    # (complaints.recipients); until then email goes to the account's verified address.
    contact_email_confirmed_at = models.DateTimeField(_("contact email confirmed at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assignee"),
    )
    # The earliest unmet deadline of the complaint's clocks, kept by actions.clocks.refresh_next_deadline
    # whenever a clock changes, so the staff queue can sort and filter on one indexed column.
    next_deadline_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    next_deadline_provisional = models.BooleanField(_("next deadline is provisional"), default=False)
    # The messages about it in the outbox (notifications.OutboundEmail.about); they
    # go when the complaint goes, and filter as `OutboundEmail.objects.filter(complaint=…)`.
    emails = GenericRelation(
        "notifications.OutboundEmail",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="complaint",
    )
    # Set by the form when it is first shown: a replayed submit finds the complaint
    # it already made instead of filing a second one.
    submission_token = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by privacy.erasure when the consumer's personal data was erased; the retention
    # sweep skips these rows.
    personal_data_erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        # complaints.access: staff see contact details masked unless they hold this.
        permissions = [("reveal_contact", _("Can see a consumer's full phone number and email address"))]
        indexes = [
            # "My complaints": one consumer's cases, newest first.
            models.Index(fields=["owner", "-created_at"], name="complaint_owner_recent_idx"),
            models.Index(fields=["status", "-created_at"], name="complaint_status_recent_idx"),
            models.Index(fields=["order_number"], name="complaint_order_number_idx"),
            # The staff queue's default order: overdue first, then by next deadline.
            models.Index(fields=["next_deadline_at", "id"], name="complaint_next_deadline_idx"),
            # The staff queue's filters (staff.queue), each keeping the queue's order.
            models.Index(fields=["platform", "next_deadline_at", "id"], name="complaint_queue_platfm_idx"),
            models.Index(fields=["status", "next_deadline_at", "id"], name="complaint_queue_status_idx"),
            models.Index(fields=["category", "next_deadline_at", "id"], name="complaint_queue_categ_idx"),
            models.Index(fields=["assignee", "next_deadline_at", "id"], name="complaint_queue_assign_idx"),
            models.Index(
                fields=["next_deadline_at", "id"],
                condition=models.Q(next_deadline_provisional=True),
                name="complaint_queue_provisnl_idx",
            ),
            # The staff queue's search: consumer email in any case (contact_email__iexact
            # compiles to UPPER(...) = UPPER(...)), or the E.164 mobile number.
            models.Index(Upper("contact_email"), name="complaint_contact_email_idx"),
            models.Index(fields=["contact_phone"], name="complaint_contact_phone_idx"),
            # privacy.retention.inactive_since reads only rows not yet erased, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(personal_data_erased_at__isnull=True),
                name="complaint_retention_due_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.reference])


class EvidenceQuerySet(models.QuerySet):
    def ready(self):
        """Evidence whose clean copy exists: the only files we ever serve, attach or zip."""
        return self.filter(state=Evidence.State.READY)


class Evidence(models.Model):
    """A screenshot or photo. Uploads are checked cheaply while the consumer waits and
    kept raw in `upload` (never served); complaints.tasks.process_evidence then
    sanitises them into `file` and `thumbnail` (state READY) or refuses them (state
    REJECTED, with the reason). Uploaded images wait unclaimed (complaint is null)
    while the consumer finishes the form; complaints.tasks purges the ones never
    claimed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being checked")
        READY = "ready", _("Ready")
        REJECTED = "rejected", _("Could not be used")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # The bytes as uploaded, until the task has sanitised them; then deleted.
    upload = models.FileField(storage=evidence_storage, max_length=200, blank=True)
    file = models.FileField(storage=evidence_storage, upload_to=_evidence_path, max_length=200, blank=True)
    thumbnail = models.FileField(storage=evidence_storage, upload_to=_evidence_path, max_length=200, blank=True)
    # A code of complaints.images.REFUSALS, shown in the reader's language.
    rejection = models.CharField(_("why it could not be used"), max_length=20, blank=True)
    # A worker holds the upload until then; a worker killed mid-way leaves it to the next.
    processing_until = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64)
    size = models.PositiveIntegerField(_("size of the upload (bytes)"))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [
            # complaints.tasks.purge_unclaimed_evidence reads only these rows.
            models.Index(
                fields=["created_at"], condition=models.Q(complaint__isnull=True), name="evidence_unclaimed_idx"
            ),
            # complaints.tasks.process_pending_evidence reads only these rows.
            models.Index(fields=["created_at"], condition=models.Q(state="pending"), name="evidence_pending_idx"),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("complaints:evidence", args=[self.public_id])

    def get_thumbnail_url(self):
        return reverse("complaints:evidence_thumbnail", args=[self.public_id])

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def is_rejected(self) -> bool:
        return self.state == self.State.REJECTED

    @property
    def rejection_message(self) -> str:
        return refusal_message(self.rejection) if self.rejection else ""


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STATUS_CHANGED = "status_changed", _("Status changed")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_REJECTED = "evidence_rejected", _("Evidence could not be used")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        ASSIGNED = "assigned", _("Assigned")
        ROUTE_STEP = "route_step", _("Escalation step")
        DELIVERED = "delivered", _("Delivered to the respondent")
        ANSWERED = "answered", _("The respondent answered")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_role = models.CharField(max_length=10, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(blank=True)
    # Internal notes are for staff only; everything else is on the consumer's timeline.
    staff_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="timeline_complaint_idx")]

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class ReferenceCounter(models.Model):
    """Last number used per day, for references like TS-20261121-0042."""

    day = models.DateField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.last_number}"


class Consent(models.Model):
    """A consumer's separate consent (PIPL art. 23) to share a complaint with one
    recipient, with the exact text they were shown and its version. Written only by
    complaints.consents.record_consent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="consents")
    recipient = models.CharField(_("shared with"), max_length=20, choices=parties.choices(parties.CONSENTED))
    text_version = models.CharField(_("text version"), max_length=40)
    text = models.TextField(_("text shown"))
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "id"]
        constraints = [
            # Asked once per complaint and recipient; a repeated form post changes nothing.
            models.UniqueConstraint(fields=["complaint", "recipient"], name="consent_once_per_recipient"),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.recipient} {self.text_version}"
