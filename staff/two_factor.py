"""Who must sign in with a second step: staff accounts, when settings.STAFF_REQUIRE_MFA is on.

A staff password alone opens every consumer's phone number, address and evidence. The
second step itself (an authenticator app, TOTP, with recovery codes) is allauth.mfa's;
this module only decides who may not go without it. staff.middleware sends such an
account to set it up, and the adapter below keeps it from being switched off.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from cryptography.fernet import Fernet
from django.conf import settings


def two_factor_required(user) -> bool:
    """Whether `user` may not sign in with a password alone. Consumers never are."""
    return settings.STAFF_REQUIRE_MFA and (user.is_staff or user.is_superuser)


def must_set_up_two_factor(user) -> bool:
    """Whether `user` is signed in, required to use a second step, and has none yet."""
    return user.is_authenticated and two_factor_required(user) and not is_mfa_enabled(user, [Authenticator.Type.TOTP])


class StaffTwoFactorAdapter(DefaultMFAAdapter):
    """allauth.mfa, except that a staff account keeps its authenticator app while it is
    required, and TOTP secrets are stored encrypted (MFA_ENCRYPTION_KEY): a copy of the
    database does not give anyone's second step."""

    PREFIX = "fernet:"

    def _fernet(self) -> Fernet:
        return Fernet(settings.MFA_ENCRYPTION_KEY)

    def encrypt(self, text: str) -> str:
        return self.PREFIX + self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        # Secrets stored before encryption was on are read as they are.
        if not encrypted_text.startswith(self.PREFIX):
            return encrypted_text
        return self._fernet().decrypt(encrypted_text[len(self.PREFIX) :].encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and two_factor_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
