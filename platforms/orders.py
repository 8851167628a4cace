"""Order numbers: normalise what people paste, check its shape per platform.

Neither platform documents its format (we found no official description), so we check
the shape we have seen on real orders and say what we expected when it does not fit.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderNumberKind(models.TextChoices):
    PINDUODUO = "pinduoduo", _("Pinduoduo: YYMMDD- and 15 digits")
    TAOBAO = "taobao", _("Taobao / Tmall: 15 to 19 digits")
    GENERIC = "generic", _("Letters, digits and dashes")


_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\u3000": " "})
# Every dash people paste from Chinese keyboards and apps.
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u30FC]")
_SPACES = re.compile(r"\s+")

PINDUODUO_EXAMPLE = "260305-123456789012345"
TAOBAO_EXAMPLE = "3958123456789012345"
# Pinduoduo opened in 2015: an order-number date before that is a typo.
_PINDUODUO_FIRST_YEAR = 2015


def _clean(raw: str) -> str:
    text = (raw or "").translate(_FULLWIDTH)
    text = _DASHES.sub("-", text)
    return _SPACES.sub("", text).upper()


def normalise_order_number(kind: str, raw: str, *, today: dt.date) -> str:
    """Return the canonical order number for the platform `kind`, or raise
    ValidationError whose message shows the expected shape."""
    text = _clean(raw)
    if not text:
        raise ValidationError(_("Enter the order number."), code="required")
    if kind == OrderNumberKind.PINDUODUO:
        return _pinduoduo(text, today)
    if kind == OrderNumberKind.TAOBAO:
        return _taobao(text)
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{3,39}", text):
        raise ValidationError(_("An order number has 4 to 40 letters, digits or dashes."), code="invalid_shape")
    return text


def _pinduoduo(text: str, today: dt.date) -> str:
    digits = text.replace("-", "")
    shape_error = ValidationError(
        _("A Pinduoduo order number is the order date as YYMMDD, a dash and 15 digits, e.g. %(example)s."),
        code="invalid_shape",
        params={"example": PINDUODUO_EXAMPLE},
    )
    if not digits.isdigit() or len(digits) != 21 or text.count("-") > 1:
        raise shape_error
    if "-" in text and text.index("-") != 6:
        raise shape_error
    try:
        order_day = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise ValidationError(
            _("The first six digits of a Pinduoduo order number are its date (YYMMDD); %(prefix)s is not a date."),
            code="invalid_date",
            params={"prefix": digits[:6]},
        )
    if order_day.year < _PINDUODUO_FIRST_YEAR or order_day > today:
        raise ValidationError(
            _(
                "The first six digits of a Pinduoduo order number are its date (YYMMDD); %(prefix)s is not a possible date."
            ),
            code="implausible_date",
            params={"prefix": digits[:6]},
        )
    return f"{digits[:6]}-{digits[6:]}"


def _taobao(text: str) -> str:
    digits = text.replace("-", "")
    if not digits.isdigit() or not 15 <= len(digits) <= 19:
        raise ValidationError(
            _("A Taobao or Tmall order number has 15 to 19 digits, e.g. %(example)s."),
            code="invalid_shape",
            params={"example": TAOBAO_EXAMPLE},
        )
    return digits


def example_for(kind: str) -> str:
    examples: dict[str, str] = {OrderNumberKind.PINDUODUO: PINDUODUO_EXAMPLE, OrderNumberKind.TAOBAO: TAOBAO_EXAMPLE}
    return examples.get(kind, "")
