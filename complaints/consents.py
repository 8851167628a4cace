"""The separate consents PIPL art. 23 asks for before personal information goes to
another handler: the text of each, its version, and the one function that records one.

The platform consent is asked on the filing form; the regulator's or the consumer
association's when the consumer prepares an escalation packet, not before. A text that
changes gets a new version, so each stored consent says exactly what was agreed to.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.parties import Party

from .models import Consent

# Art. 23: the recipient's name and contact, the purpose, the method and the kinds of data.
_DATA_KINDS = _("your name, mobile phone number, email address, order details, what happened and your evidence images")
TEXT_VERSIONS: dict[str, str] = {
    Party.PLATFORM: "platform-2026-11-v1",
    Party.REGULATOR: "regulator-2026-11-v1",
    Party.ASSOCIATION: "association-2026-11-v1",
}
_TEXTS: dict[str, Promise] = {
    Party.PLATFORM: _(
        "I agree that Tousu sends this complaint, with %(data)s, to %(recipient)s (%(contact)s) by email or "
        "through its complaint channel, so that %(recipient)s can handle my complaint."
    ),
    Party.REGULATOR: _(
        "I agree that Tousu prepares this complaint, with %(data)s and its timeline, for filing with "
        "%(recipient)s (%(contact)s), and shares it with them if they ask, so that they can handle my complaint."
    ),
    Party.ASSOCIATION: _(
        "I agree that Tousu prepares this complaint, with %(data)s and its timeline, for filing with "
        "%(recipient)s (%(contact)s), and shares it with them if they ask, so that they can handle my complaint."
    ),
}
_BODY_NAMES: dict[str, tuple[Promise, str | Promise]] = {
    Party.REGULATOR: (_("the market regulator's 12315 platform"), "www.12315.cn"),
    Party.ASSOCIATION: (_("the consumer association you choose"), _("its published contact")),
}


def recipient_name(recipient: str, platform=None) -> tuple[str, str]:
    """(name, contact) of the handler the consumer agrees to share with."""
    if recipient == Party.PLATFORM:
        return platform.name, platform.website or platform.name
    name, contact = _BODY_NAMES[recipient]
    return str(name), str(contact)


def consent_text(recipient: str, *, platform=None, html: bool = False) -> str | SafeString:
    """The consent text in the active language; with html=True the recipient's name is
    wrapped so the filing form can follow the platform the consumer picks."""
    name, contact = recipient_name(recipient, platform)
    values = {"data": _DATA_KINDS, "recipient": name, "contact": contact}
    if not html:
        return str(_TEXTS[recipient] % values)
    escaped = {
        "data": escape(values["data"]),
        "recipient": format_html('<span class="consent-recipient">{}</span>', name),
        "contact": format_html('<span class="consent-contact">{}</span>', contact),
    }
    return mark_safe(escape(_TEXTS[recipient]) % escaped)  # every part escaped above


def has_consent(complaint, recipient: str) -> bool:
    return Consent.objects.filter(complaint=complaint, recipient=recipient).exists()


def record_consent(*, user, complaint, recipient: str, at: dt.datetime | None = None) -> Consent:
    """Store that `user` agreed to share `complaint` with `recipient`, with the text
    shown in the active language and its version. Recording it again keeps the first."""
    existing = Consent.objects.filter(complaint=complaint, recipient=recipient).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Consent.objects.create(
                user=user,
                complaint=complaint,
                recipient=recipient,
                text_version=TEXT_VERSIONS[recipient],
                text=consent_text(recipient, platform=complaint.platform),
                given_at=at or timezone.now(),
            )
    except IntegrityError:
        return Consent.objects.get(complaint=complaint, recipient=recipient)
