"""Staff accounts set up two-factor sign-in before anything else (staff.two_factor).

Until it has added an authenticator app, such an account reaches only its own sign-in
and account pages (allauth's). Consumers are never stopped.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .two_factor import must_set_up_two_factor

# allauth's own pages (sign-in and out, reauthentication, e-mail confirmation, password,
# the two-factor set-up) and the language switch: what a staff account still needs while
# it has no authenticator. Exact names outside any namespace: a prefix such as
# "account_" also matched the admin's pages for allauth's models
# (account_emailaddress_change, mfa_authenticator_change), which opened every staff
# member's TOTP secret to a password alone.
OPEN_URL_NAMES = frozenset(
    {
        "set_language",
        "account_login",
        "account_logout",
        "account_inactive",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_login_code",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not match.namespaces and match.url_name in OPEN_URL_NAMES:
            return None
        if not must_set_up_two_factor(request.user):
            return None
        messages.warning(
            request, _("Staff accounts sign in with a second step: set up an authenticator app to continue.")
        )
        return redirect("mfa_activate_totp")
