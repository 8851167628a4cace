"""Respondents: the organisations that answer complaints on Tousu, and their people.

A respondent is a platform (拼多多, 淘宝, 天猫) or a shop on a platform. Staff invite
its first members; members answer the complaints delivered to it, on the clock, and
the figures of how they answer are public (respondents.stats). Every write to these
models that concerns a complaint goes through actions.respondents.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_secret(value: str) -> str:
    """How invitation keys and API tokens are stored: only their SHA-256, so a copy of
    the database opens nothing. They are long random strings, so no salt is needed."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


class Organisation(models.Model):
    # Set for the consumer's complaint page (respondents_tags), never stored.
    consent_text: str

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("Platform")
        SHOP = "shop", _("Shop on a platform")

    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    # The platform itself, or the platform the shop sells on.
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="respondents", verbose_name=_("platform")
    )
    shop_page = models.URLField(_("shop page on the platform"), blank=True)
    # The legal respondent behind the name: its facts (name, credit code, address, each
    # with source and level) live in the directory, channels.OperatorCompany, their one
    # home; a platform's respondent points at its platform body's operator.
    operator = models.ForeignKey(
        "channels.OperatorCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("operator company"),
    )
    # Set when its first member accepts an invitation: from then on complaints are
    # delivered to it, and the public pages say it has joined.
    joined_at = models.DateTimeField(_("joined Tousu at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("respondent organisation")
        verbose_name_plural = _("respondent organisations")
        ordering = ["name"]
        constraints = [
            # One organisation answers for each platform itself; its shops are others.
            models.UniqueConstraint(
                fields=["platform"], condition=Q(kind="platform"), name="one_respondent_per_platform"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_joined(self) -> bool:
        return self.joined_at is not None


class Member(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", _("Agent (answers complaints)")
        MANAGER = "manager", _("Manager (members, tokens and webhooks)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    # One organisation per account: a member's sign-in opens exactly one queue.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="respondent_member")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return f"{self.user} ({self.organisation})"

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


class Invitation(models.Model):
    """A one-time link for staff to bring a respondent's first members (or a manager
    to bring more). Only the key's hash is stored; the link is shown once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("invited address"))
    role = models.CharField(_("role"), max_length=10, choices=Member.Role.choices, default=Member.Role.MANAGER)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why this address may speak for the organisation: its domain is one the directory
    # holds for the body at a level we trust, or a supervisor saw the documents.
    domain_trusted = models.BooleanField(_("address at a trusted domain"), default=False)
    documents_checked = models.TextField(_("documents seen (营业执照, authorisation letter)"), blank=True)
    documents_checked_on = models.DateField(_("documents checked on"), null=True, blank=True)
    documents_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        permissions = [("verify_documents", _("Can record the documents checked for an invitation"))]

    def __str__(self):
        return f"{self.organisation}: {self.email}"

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class Delivery(models.Model):
    """A complaint in a respondent's queue. Delivery is the confirmed start of the
    platform's clocks: the respondent has it, nobody needs to phone anyone."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="deliveries")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deliveries")
    delivered_at = models.DateTimeField(default=timezone.now)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_answer_at = models.DateTimeField(null=True, blank=True)
    first_answer_timely = models.BooleanField(null=True)
    # Bumped on every change the respondent should see (an answer, a consumer's reply,
    # a dispute): the API's `updated_since` and its cursor read it.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["complaint", "organisation"], name="deliver_once")]
        indexes = [
            # The API's list (respondents.api): an organisation's deliveries newest change first.
            models.Index(fields=["organisation", "-updated_at", "-id"], name="delivery_queue_idx"),
            # The public figures (respondents.stats): deliveries of the last 90 days.
            models.Index(fields=["organisation", "delivered_at"], name="delivery_stats_idx"),
        ]

    def __str__(self):
        return f"{self.complaint} → {self.organisation}"


class Answer(models.Model):
    class Kind(models.TextChoices):
        REFUNDED = "refunded", _("Resolved with a refund or compensation")
        RESOLVED = "resolved", _("Resolved in another way")
        EXPLAINED = "explained", _("Explained (no remedy)")
        IN_PROGRESS = "in_progress", _("In progress")
        NEEDS_INFO = "needs_info", _("Needs information from the consumer")
        NOT_OURS = "not_ours", _("Not ours to answer")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="answers", null=True, blank=True)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="answers", null=True)
    kind = models.CharField(_("answer"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message to the consumer"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected_by = models.DateField(_("expected by"), null=True, blank=True)
    redirect_to = models.CharField(_("who should answer instead"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Staff recorded an answer the respondent gave off Tousu (a phone call): shown as
    # such, and never counted as the respondent's own in its figures.
    off_tousu = models.BooleanField(_("recorded by staff from outside Tousu"), default=False)
    # Answered after the clock it answers had run out.
    timely = models.BooleanField(_("on time"), default=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    # Given through the API with this token (author is then None: no person signed in).
    api_token = models.ForeignKey("ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]
        constraints = [
            # An API retry with the same Idempotency-Key never answers twice.
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="answer_idempotency_key",
            ),
        ]

    def __str__(self):
        return f"{self.complaint}: {self.get_kind_display()}"

    @property
    def resolves(self) -> bool:
        return self.kind in RESOLVING


RESOLVING = frozenset({Answer.Kind.REFUNDED, Answer.Kind.RESOLVED})


class ApiToken(models.Model):
    """A bearer token for an organisation's own systems (respondents.api). Shown once;
    only its hash is kept. Scoped, revocable, with the time it was last used."""

    class Scope(models.TextChoices):
        READ = "read", _("Read delivered complaints")
        ANSWER = "answer", _("Acknowledge and answer")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(_("purpose"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a manager can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # One live token per organisation and purpose: a second system gets its own
            # purpose, so revoking one never cuts off another.
            models.UniqueConstraint(
                fields=["organisation", "purpose"], condition=Q(revoked_at__isnull=True), name="one_token_per_purpose"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.purpose} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEndpoint(models.Model):
    """Where an organisation's systems hear of deliveries, updates and disputes, signed
    per Standard Webhooks with a per-endpoint secret (shown once, rotatable)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    # The signing key, "whsec_" + base64; it must be kept to sign, so it is stored as
    # issued (like an SMTP password), and shown to the manager only when made.
    secret = models.CharField(max_length=100, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Failed deliveries in a row; at WEBHOOK_DISABLE_AFTER_FAILURES the endpoint is off.
    failures_in_a_row = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookMessage(models.Model):
    """One event for one endpoint: its stable id (webhook-id) lets the receiver drop
    a repeat. Sent at least once, retried with backoff for three days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=40, unique=True, default="", editable=False)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # respondents.sending.due_message_ids: pending messages whose next attempt is due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_due_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"


class ShopConsent(models.Model):
    """The consumer agreed to share a complaint with a shop on Tousu (PIPL art. 23):
    separate from the platform's consent, asked when they name the shop. Stored with
    the text shown and its version, like complaints.Consent."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="shop_consents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_consents")
    text_version = models.CharField(_("text version"), max_length=40)
    text = models.TextField(_("text shown"))
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent to share with a shop")
        verbose_name_plural = _("consents to share with a shop")
        constraints = [models.UniqueConstraint(fields=["complaint", "organisation"], name="shop_consent_once")]

    def __str__(self):
        return f"{self.complaint} → {self.organisation}"


def private_storage():
    return storages["evidence"]


def _licence_path(instance, filename):
    return f"respondents/licences/{instance.public_id.hex}/{filename}"


class ShopApplication(models.Model):
    """A shop asks to answer on Tousu: its name, its page on the platform and its
    营业执照, checked and sanitised like evidence (the images worker), then approved or
    refused by staff with a reason."""

    class State(models.TextChoices):
        CHECKING = "checking", _("image being checked")
        WAITING = "waiting", _("waiting for staff")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        IMAGE_REFUSED = "image_refused", _("licence image could not be used")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_applications")
    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, verbose_name=_("platform"))
    name = models.CharField(_("shop name"), max_length=120)
    shop_page = models.URLField(_("shop page on the platform"))
    # Private, like evidence: never under a public URL; staff open it through a view.
    licence_upload = models.FileField(storage=private_storage, upload_to=_licence_path, max_length=200, blank=True)
    licence = models.FileField(storage=private_storage, upload_to=_licence_path, max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.CHECKING)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shop application")
        verbose_name_plural = _("shop applications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name
