from django.conf import settings
from django.db import models
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
