from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """What a consumer tells us about themself once, to prefill every complaint."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, help_text=_("Mainland China mobile number"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        # Staff who may delete a consumer's account and erase their personal data
        # (actions.erasure; granted to supervisors by staff.roles).
        permissions = [("erase_personal_data", _("Can erase a consumer's personal data"))]

    def __str__(self):
        return self.display_name or self.user.email


class PhoneNumber(models.Model):
    """The account's own mobile number, in E.164: how it signs in with an SMS code and
    where SMS go (allauth's phone support, accounts.adapter). Profile.phone is only what
    prefills a complaint's contact number; this one is proved by a code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_number")
    phone = models.CharField(_("mobile phone"), max_length=20)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            # One account per proved number; an unproved one blocks nobody.
            models.UniqueConstraint(fields=["phone"], condition=models.Q(verified=True), name="phone_verified_once"),
        ]
        indexes = [models.Index(fields=["phone"], name="phone_lookup_idx")]

    def __str__(self):
        return f"phone #{self.pk}"  # no number: admin titles and log lines


class ContactPreference(models.Model):
    """How a consumer wants to be told about their complaints (email, SMS or both) and
    their separate consent to SMS, with the exact text shown and its version, like the
    other consents. Never changed: each choice, stop link or TD reply is a new row, and
    the newest one is in force (accounts.contact.preference_of)."""

    class Channels(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message (SMS)")
        BOTH = "both", _("Email and text message")

    class How(models.TextChoices):
        PROFILE = "profile", _("Profile page")
        STOP_LINK = "stop_link", _("Stop link in a text message")
        SMS_REPLY = "sms_reply", _("Replied TD to a text message")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preferences")
    channels = models.CharField(_("channels"), max_length=10, choices=Channels.choices)
    # The SMS consent as shown (empty when the row withdraws it or never gave it).
    text_version = models.CharField(_("text version"), max_length=40, blank=True)
    text = models.TextField(_("text shown"), blank=True)
    how = models.CharField(_("how"), max_length=20, choices=How.choices, default=How.PROFILE)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")
        ordering = ["given_at", "id"]
        indexes = [models.Index(fields=["user", "-given_at", "-id"], name="contact_pref_latest_idx")]

    def __str__(self):
        return f"{self.user_id} {self.channels} {self.text_version}"

    @property
    def allows_sms(self) -> bool:
        return self.channels in (self.Channels.SMS, self.Channels.BOTH) and bool(self.text)


def profile_for(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def remember_language(user, language: str) -> None:
    """Store the language a person chose, so emails to them use it."""
    if language in dict(settings.LANGUAGES):
        Profile.objects.update_or_create(user=user, defaults={"language": language})


def language_of(user) -> str:
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else settings.LANGUAGE_CODE
