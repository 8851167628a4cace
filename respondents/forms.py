from decimal import Decimal
from typing import cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Answer

# What each kind of answer must say besides the message.
NEEDS: dict[str, str] = {
    Answer.Kind.REFUNDED: "amount",
    Answer.Kind.IN_PROGRESS: "expected_by",
    Answer.Kind.NOT_OURS: "redirect_to",
}


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your answer"), choices=Answer.Kind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the consumer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The consumer reads this on their complaint page. Be specific: what you did and when."),
    )
    amount = forms.DecimalField(
        label=_("Amount refunded or paid (CNY)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=False,
    )
    expected_by = forms.DateField(
        label=_("Expected to be settled by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    redirect_to = forms.CharField(
        label=_("Who should answer instead (shop or platform)"), max_length=200, required=False
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        needed = NEEDS.get(data.get("kind", ""))
        if needed and not data.get(needed):
            self.add_error(needed, _("This answer needs this field."))
        return data


class AcceptInvitationForm(forms.Form):
    """A new member's password; the address is the invitation's."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        validate_password(password)
        return password

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ShopApplicationForm(forms.Form):
    platform: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Platform"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Shop name, exactly as on the platform"), max_length=120)
    shop_page = forms.URLField(
        label=_("Link to the shop's page on the platform"), max_length=200, assume_scheme="https"
    )
    licence = forms.FileField(
        label=_("Business licence (营业执照), a photo or screenshot"),
        help_text=_("JPEG, PNG, WebP or iPhone HEIC, up to 10 MB. Staff check it before the shop can answer."),
    )

    def __init__(self, *args, **kwargs):
        from platforms.models import Platform

        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["platform"]).queryset = Platform.objects.filter(active=True).order_by(
            "sort_order"
        )
