"""Where email about a complaint may go: the one rule every sender asks.

We email only an address its holder has shown they read: one of the account's
addresses that allauth verified, or a complaint's contact address confirmed through
the link `request_contact_confirmation` sends. Until the contact address is confirmed,
mail about the complaint goes to the account's verified primary address instead.

The confirmation email is the one email that goes to an address nobody has confirmed,
so it carries nothing the filer typed (no name, no description), at most one goes out
per complaint, and at most CONTACT_CONFIRMATIONS_PER_DAY per account. Otherwise one
account could make us send a stranger any text it likes, under our name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.services import queue_email

from .models import Complaint

CONFIRMATION_TEMPLATE = "contact_email_confirm"
CONFIRMATION_SALT = "complaints.contact_email"


def confirmation_max_age() -> dt.timedelta:
    """How long the confirmation link works (CONTACT_CONFIRMATION_DAYS, read when used)."""
    return dt.timedelta(days=getattr(settings, "CONTACT_CONFIRMATION_DAYS", 7))


def confirmations_per_day() -> int:
    """Confirmation emails one account may cause in 24 hours, whatever it files."""
    return getattr(settings, "CONTACT_CONFIRMATIONS_PER_DAY", 3)


class ConfirmationExpired(Exception):
    """A genuine confirmation link, older than confirmation_max_age()."""


@dataclass(frozen=True)
class ContactStatus:
    """What the complaint page tells its owner about where their emails go."""

    contact_email: str
    confirmed: bool
    link_sent: bool  # a link went to the address (for this complaint or another of the owner's)
    recipient: str | None


# --- The rule ---------------------------------------------------------------------


def verified_addresses(user_id: int | None) -> set[str]:
    """The account's addresses allauth verified, in lower case; none once the account
    is gone (an erased complaint keeps no owner)."""
    if user_id is None:
        return set()
    addresses = EmailAddress.objects.filter(user_id=user_id, verified=True).values_list("email", flat=True)
    return {email.lower() for email in addresses}


def account_address(user_id: int | None) -> str | None:
    """The account's verified primary address (any verified one if none is primary);
    None when the account has verified none, or is gone: then nothing is sent at all."""
    if user_id is None:
        return None
    verified = EmailAddress.objects.filter(user_id=user_id, verified=True).order_by("-primary", "id")
    return verified.values_list("email", flat=True).first()


def contact_is_confirmed(complaint: Complaint) -> bool:
    return complaint.contact_email_confirmed_at is not None or (
        complaint.contact_email.lower() in verified_addresses(complaint.owner_id)
    )


def recipient_for(complaint: Complaint) -> str | None:
    """The address email to the consumer about `complaint` goes to, or None for none."""
    if contact_is_confirmed(complaint):
        return complaint.contact_email
    return account_address(complaint.owner_id)


def contact_status(complaint: Complaint) -> ContactStatus:
    confirmed = contact_is_confirmed(complaint)
    return ContactStatus(
        contact_email=complaint.contact_email,
        confirmed=confirmed,
        link_sent=not confirmed
        and _confirmation_emails()
        .filter(complaint__owner_id=complaint.owner_id, to__iexact=complaint.contact_email)
        .exists(),
        recipient=complaint.contact_email if confirmed else account_address(complaint.owner_id),
    )


# --- Confirming a contact address ---------------------------------------------------


def _confirmation_emails():
    return OutboundEmail.objects.filter(template=CONFIRMATION_TEMPLATE)


def _email_digest(email: str) -> str:
    # The token binds the address without carrying it: no personal data in the URL.
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def confirmation_token(complaint: Complaint) -> str:
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    return signer.sign(f"{complaint.pk}.{_email_digest(complaint.contact_email)}")


def complaint_from_confirmation_token(token: str) -> Complaint | None:
    """The complaint a genuine, unexpired token names, if its contact address is still
    the one the link was sent to; None otherwise. Raises ConfirmationExpired."""
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        complaint_id, digest = signer.unsign(token, max_age=confirmation_max_age()).split(".")
        complaint = Complaint.objects.filter(pk=int(complaint_id)).first()
    except signing.SignatureExpired as expired:
        raise ConfirmationExpired from expired
    except (signing.BadSignature, ValueError):
        return None
    if complaint is None or _email_digest(complaint.contact_email) != digest:
        return None
    return complaint


def request_contact_confirmation(complaint: Complaint, *, now: dt.datetime | None = None) -> OutboundEmail | None:
    """Send the contact address its one confirmation link, unless it is confirmed
    already, this account sent that address a link still valid, or the account used
    up its daily allowance of addresses (confirmations_per_day())."""
    now = now or timezone.now()
    if contact_is_confirmed(complaint):
        return None
    sent_by_account = _confirmation_emails().filter(complaint__owner_id=complaint.owner_id)
    if sent_by_account.filter(
        to__iexact=complaint.contact_email, created_at__gte=now - confirmation_max_age()
    ).exists():
        return None
    if sent_by_account.filter(created_at__gte=now - dt.timedelta(days=1)).count() >= confirmations_per_day():
        return None
    return queue_email(
        template=CONFIRMATION_TEMPLATE,
        to=complaint.contact_email,
        language=complaint.language,
        # Only what we generated: never a field the filer typed.
        context={
            "reference": complaint.reference,
            "confirm_url": reverse("complaints:confirm_contact", args=[confirmation_token(complaint)]),
            "max_age_days": confirmation_max_age().days,
        },
        about=complaint,
        dedupe_key=f"{CONFIRMATION_TEMPLATE}:{complaint.pk}",
    )
