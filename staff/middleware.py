"""Staff accounts set up two-factor sign-in before anything else (staff.two_factor).

Until it has added an authenticator app, such an account reaches only its own sign-in
and account pages (allauth's). Consumers are never stopped.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .two_factor import must_set_up_two_factor

# allauth's pages (sign-in and out, reauthentication, e-mail, the two-factor set-up) and
# the language switch: what a staff account still needs while it has no authenticator.
OPEN_URL_NAME_PREFIXES = ("account_", "mfa_")
OPEN_URL_NAMES = {"set_language"}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name = request.resolver_match.url_name or ""
        if url_name.startswith(OPEN_URL_NAME_PREFIXES) or url_name in OPEN_URL_NAMES:
            return None
        if not must_set_up_two_factor(request.user):
            return None
        messages.warning(
            request, _("Staff accounts sign in with a second step: set up an authenticator app to continue.")
        )
        return redirect("mfa_activate_totp")
