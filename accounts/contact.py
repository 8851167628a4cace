"""How a consumer is told: email, SMS or both, and the SMS consent with its stop link.

The consent is separate (PIPL art. 23-style, like the other consents): the text shown
and its version are stored with each choice (accounts.ContactPreference). Stopping by
the link in a text message or by replying TD is one more row, never an edit.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import ContactPreference, PhoneNumber

SMS_CONSENT_VERSION = "sms-2026-12"
_STOP_SALT = "accounts.sms_stop"
_DIGEST_LENGTH = 20


def sms_consent_text(phone: str) -> str:
    """The consent as the consumer reads it, in the active language."""
    from .phones import format_cn_mobile

    return _(
        "I agree that Tousu sends text messages about my complaints (deadline reminders, "
        "the business's answers, requests for information, whether it was solved) to %(phone)s. "
        "I can stop them at any time with the link in each message, by replying TD, or on my profile."
    ) % {"phone": format_cn_mobile(phone)}


def preference_of(user) -> ContactPreference | None:
    return ContactPreference.objects.filter(user=user).order_by("-given_at", "-id").first()


def channels_of(user) -> str:
    current = preference_of(user)
    return current.channels if current else ContactPreference.Channels.EMAIL


def verified_phone_of(user) -> str:
    number = PhoneNumber.objects.filter(user=user, verified=True).only("phone").first()
    return number.phone if number else ""


def sms_number_for(user) -> str:
    """The number to text, only with a proved number and consent in force; else ""."""
    current = preference_of(user)
    if current is None or not current.allows_sms:
        return ""
    return verified_phone_of(user)


def choose(user, channels: str, *, how: str = ContactPreference.How.PROFILE) -> ContactPreference:
    """Record a new choice. Choosing SMS stores the consent text shown for the account's
    proved number; choosing email alone withdraws it."""
    phone = verified_phone_of(user)
    wants_sms = channels in (ContactPreference.Channels.SMS, ContactPreference.Channels.BOTH)
    if wants_sms and not phone:
        raise ValueError("SMS needs a verified phone number")
    return ContactPreference.objects.create(
        user=user,
        channels=channels,
        text=sms_consent_text(phone) if wants_sms else "",
        text_version=SMS_CONSENT_VERSION if wants_sms else "",
        how=how,
    )


def stop_sms(user, *, how: str) -> bool:
    """Withdraw the SMS consent (email goes on); False when there was none in force."""
    current = preference_of(user)
    if current is None or not current.allows_sms:
        return False
    choose(user, ContactPreference.Channels.EMAIL, how=how)
    return True


def stop_sms_for_number(phone: str) -> int:
    """A TD reply from `phone`: stop SMS for the account that proved it."""
    stopped = 0
    for number in PhoneNumber.objects.filter(phone=phone, verified=True).select_related("user"):
        stopped += stop_sms(number.user, how=ContactPreference.How.SMS_REPLY)
    return stopped


def _digest(user_id: int) -> str:
    return salted_hmac(_STOP_SALT, str(user_id), algorithm="sha256").hexdigest()[:_DIGEST_LENGTH]


def stop_token(user_id: int) -> str:
    """The stop link's token: the account id and a keyed digest of it; nothing personal,
    long enough for core.logpaths to keep it out of the request log."""
    return f"{_digest(user_id)}{user_id}"


def user_from_stop_token(token: str):
    digest, user_id = token[:_DIGEST_LENGTH], token[_DIGEST_LENGTH:]
    if not user_id.isdigit() or not constant_time_compare(digest, _digest(int(user_id))):
        return None
    return get_user_model().objects.filter(pk=int(user_id)).first()
