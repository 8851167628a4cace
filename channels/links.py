"""Which links the directory may show: http, https, tel and mailto, nothing else.

A channel's value and a body's website become href attributes on public pages; a
`javascript:` or `data:` value there would run in the visitor's browser. The
validators sit on the model fields, so the admin, the data loader and anything else
that validates a row refuse such a value alike."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

ALLOWED_SCHEMES = ("http", "https", "tel", "mailto")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Browsers drop spaces and control characters (tabs and newlines anywhere) before
# they read a link's scheme: "java\tscript:" is javascript: to them.
_DROPPED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")


def link_scheme(value: str) -> str:
    """The scheme a browser would read at the start of `value`, lower case; "" if none."""
    match = _SCHEME.match(_DROPPED_BY_BROWSERS.sub("", value or ""))
    return match.group(1).lower() if match else ""


def validate_link_scheme(value: str) -> None:
    scheme = link_scheme(value)
    if scheme and scheme not in ALLOWED_SCHEMES:
        raise ValidationError(
            _("A link may only start with http://, https://, tel: or mailto: (not “%(scheme)s:”)."),
            code="link_scheme",
            params={"scheme": scheme},
        )


# A body's website: a web page, so http or https only (Django's default also allows ftp).
validate_website = URLValidator(schemes=["http", "https"])
