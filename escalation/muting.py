"""The signed, dated link in every reminder that switches a complaint's reminders off
(and back on), with the RFC 2369 / RFC 8058 headers that let a mail client use it.

The token names the complaint by id only (nothing personal) and works for
conf.MUTE_LINK_MAX_AGE, so an old forwarded or leaked email cannot mute for ever.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from . import conf
from .models import ReminderMute

MUTE_SALT = "escalation.mute"


class MuteLinkExpired(Exception):
    """The mute link was genuine but is older than conf.MUTE_LINK_MAX_AGE."""


def mute_token(complaint_id: int) -> str:
    """A signed, dated token naming the complaint (nothing personal: its id only)."""
    return signing.TimestampSigner(salt=MUTE_SALT).sign(str(complaint_id))


def complaint_id_from_mute_token(token: str) -> int | None:
    """The complaint id of a genuine, unexpired token; None for a forged one.
    Raises MuteLinkExpired for a genuine one past its age."""
    signer = signing.TimestampSigner(salt=MUTE_SALT)
    try:
        return int(signer.unsign(token, max_age=conf.MUTE_LINK_MAX_AGE))
    except signing.SignatureExpired as expired:
        raise MuteLinkExpired from expired
    except (signing.BadSignature, ValueError, TypeError):
        return None


def mute_url(complaint_id: int) -> str:
    return reverse("escalation:mute", args=[mute_token(complaint_id)])


def unsubscribe_headers(absolute_mute_url: str) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe with RFC 8058 one-click: the mail client offers
    "unsubscribe" and POSTs List-Unsubscribe=One-Click to the mute link itself."""
    return {"List-Unsubscribe": f"<{absolute_mute_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_muted(complaint) -> bool:
    return ReminderMute.objects.filter(complaint=complaint).exists()


def set_muted(complaint, muted: bool) -> None:
    if muted:
        ReminderMute.objects.get_or_create(complaint=complaint)
    else:
        ReminderMute.objects.filter(complaint=complaint).delete()
