"""The unified social credit code (统一社会信用代码, GB 32100-2015), checked with
python-stdnum: 18 characters, the last a check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as NumberError


def validate_credit_code(value: str) -> str:
    """The code in its compact form (upper case, no spaces or dashes), or ValidationError."""
    try:
        return uscc.validate(value)
    except NumberError:
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters (digits and capital letters) and ends with "
                "a check character; please copy it again from the business licence."
            ),
            code="credit_code",
        )
