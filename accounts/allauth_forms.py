"""allauth's login and sign-up forms, with required messages that name the missing field.

Kept apart from accounts.forms: allauth's forms module imports that one for
ACCOUNT_SIGNUP_FORM_CLASS, so importing allauth there would be a cycle.
"""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _

REQUIRED_MESSAGES = {
    "login": _("Enter your email address or mobile number"),
    "email": _("Enter your email address"),
    "phone": _("Enter your mobile number"),
    "password": _("Enter your password"),
    "password1": _("Choose a password"),
    "password2": _("Enter the same password again"),
    "code": _("Enter the code we sent you"),
}


def name_the_missing_field(form):
    """Replace Django's generic "This field is required." with what to fill in."""
    for name, field in form.fields.items():
        if name in REQUIRED_MESSAGES:
            field.error_messages["required"] = REQUIRED_MESSAGES[name]


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_missing_field(self)


class SignupForm(allauth_forms.SignupForm):
    """Sign up with a mobile number (a code by SMS, no password needed) or an email
    address and a password; or both."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_missing_field(self)
        self.fields["phone"].label = _("Mobile phone")
        self.fields["email"].help_text = _("Optional when you sign up with your mobile number.")
        self.fields["password1"].help_text = _("Needed when you sign up with email only.")

    def clean(self):
        cleaned = super().clean()
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", _("Enter your mobile number, or an email address and a password."))
        if email and not phone and not cleaned.get("password1") and "password1" not in self.errors:
            self.add_error("password1", REQUIRED_MESSAGES["password1"])
        return cleaned


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_missing_field(self)
