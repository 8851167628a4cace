"""Staff-side rules and reads: which channel may carry a complaint
(forwarding_refusal), whether the consumer's own complaint to the platform awaits a
check, and the logged reveal of a consumer's contact details. The changes themselves
(assigning, forwarding, the platform's response) are actions (actions.staff,
actions.forwarding)."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import access
from complaints.consents import has_consent
from complaints.models import Complaint
from core.parties import Party

from .models import AccessLog

log = logging.getLogger(__name__)


# --- Assignment -----------------------------------------------------------------


# --- Forwarding -----------------------------------------------------------------


class ForwardRefused(ValidationError):
    """The channel may not carry this complaint; the message says why."""


def forwarding_refusal(complaint: Complaint, channel) -> str:
    """Why `complaint` may not be forwarded through `channel`, or "" when it may.

    The one home of the rule: the staff buttons show it, forward() enforces it."""
    from channels import levels

    if not has_consent(complaint, Party.PLATFORM):
        # PIPL art. 23; an erased complaint has no consent left either.
        return _("The consumer has not agreed to share this complaint with the platform, or their data was erased.")
    if channel.body.platform_id != complaint.platform_id:
        return _("%(channel)s is not a channel of %(platform)s.") % {
            "channel": channel.value,
            "platform": complaint.platform.name,
        }
    if channel.is_email and not levels.may_receive_personal_data(channel.level):
        return _(
            "%(address)s is only “%(level)s” in the directory. A complaint and its evidence are emailed only to "
            "an address the directory holds as official or corroborated."
        ) % {"address": channel.value, "level": levels.Level(channel.level).label}
    return ""


# --- The consumer's own complaint to the platform -----------------------------------


def has_unconfirmed_platform_filing(complaint: Complaint) -> bool:
    """The consumer said they complained to the platform themselves, and staff have not
    yet checked it: the platform clocks run, but the public statistics ignore them."""
    from escalation.clocks import unconfirmed_platform_clocks

    return unconfirmed_platform_clocks(complaint).exists()


# --- The platform's response ------------------------------------------------------


# --- Contact details ----------------------------------------------------------------

CONTACT_FIELDS = {
    AccessLog.Field.NAME: "contact_name",
    AccessLog.Field.PHONE: "contact_phone",
    AccessLog.Field.EMAIL: "contact_email",
}


def log_access(complaint: Complaint, field: str, *, user, api_token=None) -> AccessLog:
    """One row per staff access to a consumer's personal data: who, what, when. An
    organisation's systems reading through the API are logged by their token."""
    return AccessLog.objects.create(user=user, api_token=api_token, complaint=complaint, field=field)


# The admin's complaint page loads one thumbnail per screenshot, and a reviewer opens
# them as they read: one row per staff member and complaint within this window says
# who looked, and when, without a row per image request.
EVIDENCE_LOG_WINDOW = timedelta(minutes=10)


def log_evidence_opened(complaint: Complaint, *, user) -> None:
    """A staff member opened an evidence image of the complaint in the staff admin."""
    since = timezone.now() - EVIDENCE_LOG_WINDOW
    recent = AccessLog.objects.filter(
        user=user, complaint=complaint, field=AccessLog.Field.EVIDENCE_IMAGE, created_at__gte=since
    )
    if not recent.exists():
        log_access(complaint, AccessLog.Field.EVIDENCE_IMAGE, user=user)


def reveal_contact(complaint: Complaint, field: str, *, user) -> str:
    """The consumer's full phone number or email address, logged (who, when)."""
    if not access.can_reveal_contact(user, complaint):
        raise PermissionDenied
    log_access(complaint, field, user=user)
    return getattr(complaint, CONTACT_FIELDS[AccessLog.Field(field)])


def open_packet(complaint: Complaint, field: str, *, user) -> access.Contact:
    """A staff member opens the escalation packet or its ZIP: log it, and return the
    contact details as the policy lets this user see them (full only with
    reveal_contact, otherwise masked)."""
    log_access(complaint, field, user=user)
    return access.contact_for(user, complaint, logged=True)
