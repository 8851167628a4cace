"""allauth's login and sign-up forms, with required messages that name the missing field.

Kept apart from accounts.forms: allauth's forms module imports that one for
ACCOUNT_SIGNUP_FORM_CLASS, so importing allauth there would be a cycle.
"""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _

REQUIRED_MESSAGES = {
    "login": _("Enter your email address"),
    "email": _("Enter your email address"),
    "password": _("Enter your password"),
    "password1": _("Choose a password"),
    "password2": _("Enter the same password again"),
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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_missing_field(self)
