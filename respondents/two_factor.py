"""Members of a respondent organisation sign in with a second step from the first day.

A member's sign-in opens consumers' complaints, so, as for staff (staff.two_factor),
a password alone is never enough: until the account has an authenticator app, the
portal (respondents.views.member_required) sends it to set one up, and the adapter
keeps it from being switched off.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

from staff.two_factor import StaffTwoFactorAdapter


def is_member(user) -> bool:
    return bool(user.is_authenticated and hasattr(user, "respondent_member"))


def member_has_two_factor(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


class MemberTwoFactorAdapter(StaffTwoFactorAdapter):
    """Staff's rule, and a member keeps their authenticator app too."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and is_member(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
