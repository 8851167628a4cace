"""Turn a phone number, email address or web address as people write it into the
one form the directory stores, so a pasted "+86 (021) 5339-5288" finds 02153395288.

Pure functions: no database, no settings.
"""

import re
import unicodedata
from enum import StrEnum
from urllib.parse import urlsplit


class ValueKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    UNKNOWN = "unknown"


# Separators people and SEO pages put inside numbers, after NFKC has folded
# full-width forms (－, （, ） and the ideographic space become ASCII).
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―.·()/]+")
_TEL_PREFIX = re.compile(r"^tel:", re.IGNORECASE)
# Numbers that never take the trunk 0 inside China: mobiles, 400/800 lines,
# 95xxx/96xxx service numbers, 1xxxx short numbers (12315, 12306, 10086).
_NO_TRUNK_PREFIX = re.compile(r"^(1\d{10}|[48]00\d{7}|9[56]\d{3,6}|1\d{2,5})$")


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; trim; drop zero-width marks."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u3002", ".")
    return text.strip()


def normalise_phone(text: str) -> str:
    """Digits only, with the trunk 0 for landlines and no country code.

    1. Fold full-width characters, drop "tel:", separators and an extension-free
       bracketed area code's brackets.
    2. Remove +86 or 0086 (a bare leading 86 is ambiguous, so it stays).
    3. After a country code the landline trunk 0 is dropped by convention
       (+86 21 ...); put it back unless the number never takes one.
    Returns "" when what remains is not a plausible number.
    """
    text = _TEL_PREFIX.sub("", fold(text))
    text = _PHONE_SEPARATORS.sub("", text)
    international = False
    if text.startswith("+86"):
        text, international = text[3:], True
    elif text.startswith("0086"):
        text, international = text[4:], True
    if not text.isdigit() or not 3 <= len(text) <= 12:
        return ""
    if international and not text.startswith("0") and not _NO_TRUNK_PREFIX.match(text):
        text = "0" + text
    return text


def normalise_email(text: str) -> str:
    """Lower case, without "mailto:"; "" when it is not shaped like an address."""
    text = fold(text)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.split("?", 1)[0].strip().lower()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or " " in text:
        return ""
    return text


def normalise_url(text: str) -> str:
    """The host, lower case, without "www." or a port: what tells one site from another.

    The path is dropped on purpose: a directory entry stands for a site, and a
    look-alike host (12315.cn.example.com) stays a different host.
    """
    text = fold(text)
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[len("www.") :]
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return ""
    return host


def classify(text: str) -> ValueKind:
    """Guess what a consumer pasted: an email, a web address or a phone number."""
    folded = fold(text)
    if "@" in folded:
        return ValueKind.EMAIL
    if re.search(r"[a-zA-Z]", _TEL_PREFIX.sub("", folded)) and "." in folded:
        return ValueKind.WEB
    if re.search(r"\d", folded):
        return ValueKind.PHONE
    return ValueKind.UNKNOWN


def normalise(text: str) -> tuple[ValueKind, str]:
    """The kind and normalised form of anything pasted into the checker."""
    kind = classify(text)
    value = {
        ValueKind.EMAIL: normalise_email,
        ValueKind.WEB: normalise_url,
        ValueKind.PHONE: normalise_phone,
    }.get(kind, lambda _text: "")(text)
    return (kind, value) if value else (ValueKind.UNKNOWN, "")
