"""The contact directory: bodies (platforms and escalation bodies), their channels,
the opening hours of a channel, and the history of every verification change.

Levels and what they allow are defined in channels.levels; levels change only
through channels.services.set_verification, which writes the history row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import hours as hours_rules
from . import normalise as norm
from .levels import Level
from .links import link_scheme, validate_link_scheme, validate_website
from .sources import PublicSource, public_sources


def _pick(zh: str, en: str) -> str:
    """Data is stored in both languages; show the current one, falling back to the other."""
    if translation.get_language() in ("zh-hans", "zh"):
        return zh or en
    return en or zh


class OperatorCompany(models.Model):
    """The company that legally operates a platform or a shop: the respondent 12315 and
    a court name. The one home of these facts: a platform body (Body.operator) and a
    respondent organisation (respondents.Organisation.operator) both point here.

    Each fact has its source and level, as a contact has (channels.levels). A fact is
    `official` only when staff read it in the platform's own user agreement or the
    company's licence and recorded the date (`confirmed_on`); anything else is printed
    with “（请核对）”."""

    name = models.CharField(_("company name"), max_length=200)
    name_source = models.CharField(_("company name source"), max_length=300, blank=True)
    name_level = models.CharField(
        _("company name level"), max_length=20, choices=Level.choices, default=Level.UNCONFIRMED
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    credit_code_source = models.CharField(_("credit code source"), max_length=300, blank=True)
    credit_code_level = models.CharField(
        _("credit code level"), max_length=20, choices=Level.choices, default=Level.UNCONFIRMED
    )
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    registered_address_source = models.CharField(_("registered address source"), max_length=300, blank=True)
    registered_address_level = models.CharField(
        _("registered address level"), max_length=20, choices=Level.choices, default=Level.UNCONFIRMED
    )
    confirmed_on = models.DateField(_("confirmed by staff on"), null=True, blank=True)

    class Meta:
        verbose_name = _("operator company")
        verbose_name_plural = _("operator companies")
        ordering = ["name"]
        constraints = [
            # A code is 18 characters (GB 32100-2015) or not known yet.
            models.CheckConstraint(
                condition=models.Q(credit_code="") | models.Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="operator_credit_code_shape",
            ),
            # “Official” means staff checked it on a date they recorded.
            models.CheckConstraint(
                condition=models.Q(confirmed_on__isnull=False)
                | ~models.Q(name_level=Level.OFFICIAL)
                & ~models.Q(credit_code_level=Level.OFFICIAL)
                & ~models.Q(registered_address_level=Level.OFFICIAL),
                name="operator_official_needs_date",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .uscc import validate_credit_code

        if self.credit_code:
            self.credit_code = validate_credit_code(self.credit_code)

    def is_confirmed(self, fact: str) -> bool:
        """Whether `fact` (name, credit_code, registered_address) may print without “（请核对）”."""
        return getattr(self, f"{fact}_level") == Level.OFFICIAL and self.confirmed_on is not None


class Body(models.Model):
    class Kind(models.TextChoices):
        PLATFORM = "platform", _("platform")
        REGULATOR = "regulator", _("market regulator")
        CONSUMER_ASSOCIATION = "consumer_association", _("consumer association")
        THIRD_PARTY = "third_party", _("third-party complaint site")
        OTHER = "other", _("other organisation")

    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    platform = models.OneToOneField(
        "platforms.Platform",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_body",
        verbose_name=_("platform"),
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_website])
    website_source = models.CharField(_("website source"), max_length=300, blank=True)
    # 12315 asks for the respondent's legal name, credit code and address: the platform's
    # operator company, whose facts live in OperatorCompany (their one home).
    operator = models.ForeignKey(
        "OperatorCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("operator company"),
    )
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("channels:body", args=[self.slug])

    @property
    def name(self) -> str:
        return _pick(self.name_zh, self.name_en)

    @property
    def notes(self) -> str:
        return _pick(self.notes_zh, self.notes_en)


class Verified(models.Model):
    """How sure we are of something, and who said so when. Change it only through
    channels.services.set_verification."""

    level = models.CharField(_("verification level"), max_length=20, choices=Level.choices)
    source = models.TextField(_("source"), help_text=_("Seed file name or URL; several separated by semicolons."))
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    verification_note = models.TextField(_("verification note"), blank=True)

    class Meta:
        abstract = True

    @property
    def owning_body(self) -> Body:
        """The body this fact is about: each kind of fact says how."""
        raise NotImplementedError

    @property
    def sources(self) -> list[str]:
        return [part.strip() for part in self.source.split(";") if part.strip()]

    @property
    def public_sources(self) -> list[PublicSource]:
        """The sources as the public reads them (channels.sources), never file names."""
        return public_sources(self.sources, self.owning_body)


class Channel(Verified):
    # Set for a page by channels.presentation (annotate_hours, why_distrusted), never stored.
    service_hours: ServiceHours | None
    hours_status: str | None
    hours_open: bool | None
    hours_lines: list[str]
    why: str

    class Kind(models.TextChoices):
        # Declared in the order a body's page shows the groups.
        CONSUMER_HOTLINE = "consumer_hotline", _("consumer hotline")
        IN_APP = "in_app", _("in-app route")
        ONLINE_CHAT = "online_chat", _("online chat")
        EMAIL = "email", _("email")
        WEB_FORM = "web_form", _("web form")
        SOCIAL = "social", _("social media account")
        MERCHANT_HOTLINE = "merchant_hotline", _("merchant hotline")
        REGULATOR_HOTLINE = "regulator_hotline", _("regulator hotline")
        REGULATOR_SITE = "regulator_site", _("regulator website")

    PHONE_KINDS = frozenset({Kind.CONSUMER_HOTLINE, Kind.MERCHANT_HOTLINE, Kind.REGULATOR_HOTLINE})
    WEB_KINDS = frozenset({Kind.WEB_FORM, Kind.REGULATOR_SITE})

    class Audience(models.TextChoices):
        CONSUMERS = "consumers", _("consumers")
        MERCHANTS = "merchants", _("merchants")
        EVERYONE = "everyone", _("everyone")

    class WrongReason(models.TextChoices):
        NONE = "", _("—")
        OTHER_OWNER = "other_owner", _("belongs to someone else")
        PLACEHOLDER = "placeholder", _("placeholder, not a real contact")
        GARBLED = "garbled", _("garbled copy of another number")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="channels", verbose_name=_("body"))
    # Stable name within the body, used by the data loader to find the row again.
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_("Number, address or app name as shown."),
        validators=[validate_link_scheme],
    )
    # Written on save from `value`; what the number checker looks up.
    normalised = models.CharField(_("normalised value"), max_length=200, blank=True, editable=False)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.CONSUMERS)
    steps_zh = models.JSONField(_("steps (Chinese)"), default=list, blank=True)
    steps_en = models.JSONField(_("steps (English)"), default=list, blank=True)
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    # For disputed and wrong entries: what the claim really is.
    wrong_reason = models.CharField(
        _("why it is wrong"), max_length=20, choices=WrongReason.choices, blank=True, default=""
    )
    belongs_to = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_elsewhere",
        verbose_name=_("really belongs to"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["body", "kind", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["body", "key"], name="channel_unique_key_per_body")]
        indexes = [
            # The number checker: every lookup is by normalised value.
            models.Index(fields=["normalised"], name="channel_normalised_idx"),
            # The admin's stale filter and the weekly stale-list email.
            models.Index(fields=["checked_on"], name="channel_checked_on_idx"),
        ]

    def __str__(self):
        return f"{self.body.name_en}: {self.value}"

    def save(self, *args, **kwargs):
        self.normalised = normalise_channel_value(self.kind, self.value)
        if kwargs.get("update_fields") is not None and "value" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalised"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.kind in self.PHONE_KINDS | self.WEB_KINDS | {self.Kind.EMAIL} and not normalise_channel_value(
            self.kind, self.value
        ):
            raise ValidationError({"value": _("This is not a phone number, email or web address we can read.")})

    @property
    def owning_body(self) -> Body:
        return self.body

    @property
    def notes(self) -> str:
        return _pick(self.notes_zh, self.notes_en)

    @property
    def steps(self) -> list[str]:
        if translation.get_language() in ("zh-hans", "zh"):
            return self.steps_zh or self.steps_en
        return self.steps_en or self.steps_zh

    @property
    def is_phone(self) -> bool:
        return self.kind in self.PHONE_KINDS

    @property
    def is_email(self) -> bool:
        return self.kind == self.Kind.EMAIL

    @property
    def is_web(self) -> bool:
        return self.kind in self.WEB_KINDS

    @property
    def href(self) -> str:
        """tel:, mailto: or https: link for the value; "" for in-app routes."""
        if self.is_phone and self.normalised:
            return f"tel:{self.normalised}"
        if self.is_email and self.normalised:
            return f"mailto:{self.normalised}"
        if self.is_web and self.normalised:
            # Only a value with a web scheme is used as it is (validate_link_scheme keeps
            # others out; this also covers rows stored before it existed).
            scheme = link_scheme(self.value)
            if not scheme:
                return f"https://{self.value}"
            return self.value if scheme in ("http", "https") else f"https://{self.normalised}"
        return ""


def normalise_channel_value(kind: str, value: str) -> str:
    if kind in Channel.PHONE_KINDS:
        return norm.normalise_phone(value)
    if kind == Channel.Kind.EMAIL:
        return norm.normalise_email(value)
    if kind in Channel.WEB_KINDS:
        return norm.normalise_url(value)
    return ""


class ServiceHours(Verified):
    """When a channel answers, verified on its own: a number can be right and its
    hours wrong."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="hours", verbose_name=_("channel"))
    schedule = models.JSONField(
        _("schedule"),
        help_text=_(
            '{"always": true} or {"weekly": [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "09:00", "closes": "20:00"}]} in Beijing time.'
        ),
    )

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        indexes = [models.Index(fields=["checked_on"], name="hours_checked_on_idx")]

    def __str__(self):
        return f"{self.channel}: {self.schedule}"

    @property
    def owning_body(self) -> Body:
        return self.channel.body

    def clean(self):
        try:
            hours_rules.parse_schedule(self.schedule)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError({"schedule": str(exc)})

    @property
    def parsed(self) -> hours_rules.Schedule:
        return hours_rules.parse_schedule(self.schedule)


class VerificationEvent(models.Model):
    """One change of a channel's or its hours' verification. Never edited."""

    class Subject(models.TextChoices):
        CHANNEL = "channel", _("channel")
        HOURS = "hours", _("hours")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="verification_events")
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    from_level = models.CharField(_("from level"), max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField(_("to level"), max_length=20, choices=Level.choices)
    source = models.TextField(_("source"))
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # "load_channels" or the staff member's username: who made the change.
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("verification change")
        verbose_name_plural = _("verification history")
        indexes = [models.Index(fields=["channel", "-recorded_at"], name="verification_channel_idx")]

    def __str__(self):
        return f"{self.channel} {self.subject}: {self.from_level or '-'} → {self.to_level}"
