"""Chinese mobile numbers: the one place that decides what a valid one is."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")


def normalise_cn_mobile(raw: str) -> str:
    """Return the number in E.164 (+8613812345678) or raise ValidationError.

    Accepts what people type: spaces, dashes, full-width digits, +86 or 0086.
    """
    text = (raw or "").translate(_FULLWIDTH).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a mainland China mobile number, e.g. 138 1234 5678."), code="invalid")
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(_("Enter a mainland China mobile number, e.g. 138 1234 5678."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_cn_mobile(e164: str) -> str:
    """+8613812345678 -> 138 1234 5678, for display."""
    digits = e164.removeprefix("+86")
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return e164


def mask_phone(e164: str) -> str:
    """138****5678: enough for a person to recognise their own number."""
    digits = e164.removeprefix("+86")
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"
