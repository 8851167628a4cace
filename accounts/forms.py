from django import forms
from django.utils.translation import gettext_lazy as _

from . import contact
from .models import ContactPreference, profile_for
from .phones import format_cn_mobile, normalise_cn_mobile


class SignupProfileForm(forms.Form):
    """Extra sign-up fields (allauth ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)

    def signup(self, request, user):
        profile = profile_for(user)
        profile.display_name = self.cleaned_data.get("display_name", "")
        profile.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # type=tel brings up a phone's number pad; autocomplete offers the owner's number (WCAG 1.3.5).
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Used to prefill your complaints. Mainland China mobile number."),
    )

    def __init__(self, *args, profile=None, **kwargs):
        self.profile = profile
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "display_name": profile.display_name,
                "phone": format_cn_mobile(profile.phone) if profile.phone else "",
            }
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return normalise_cn_mobile(value) if value else ""

    def save(self):
        self.profile.display_name = self.cleaned_data["display_name"]
        self.profile.phone = self.cleaned_data["phone"]
        self.profile.save(update_fields=["display_name", "phone"])
        return self.profile


class ContactPreferenceForm(forms.Form):
    """Email, SMS or both; SMS needs a proved number and its own consent (accounts.contact)."""

    channels = forms.ChoiceField(
        label=_("How should we tell you about your complaints?"),
        choices=ContactPreference.Channels.choices,
        widget=forms.RadioSelect,
    )
    sms_consent = forms.BooleanField(label="", required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.phone = contact.verified_phone_of(user)
        kwargs.setdefault("initial", {"channels": contact.channels_of(user)})
        super().__init__(*args, **kwargs)
        if self.phone:
            self.fields["sms_consent"].label = contact.sms_consent_text(self.phone)
        else:
            # Nothing to consent to before a number is proved (the choice of SMS is refused).
            del self.fields["sms_consent"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        wants_sms = cleaned.get("channels") in (ContactPreference.Channels.SMS, ContactPreference.Channels.BOTH)
        if wants_sms and not self.phone:
            self.add_error("channels", _("Add and verify your mobile number first to get text messages."))
        elif wants_sms and not cleaned.get("sms_consent"):
            self.add_error("sms_consent", _("Tick the box to agree to text messages, or choose email."))
        return cleaned

    def save(self):
        return contact.choose(self.user, self.cleaned_data["channels"])
