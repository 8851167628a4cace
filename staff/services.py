"""Staff-side actions that are not status changes, and the steps around the ones that are.

Status moves still go through complaints.services.transition (the one state machine);
this module adds what the staff queue needs around them: assignment, forwarding by
email with the evidence attached, recording the platform's response with its files,
and the logged reveal of a consumer's contact details.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints import access, evidence_pipeline
from complaints import services as complaint_services
from complaints.consents import has_consent
from complaints.models import Complaint, Consent, TimelineEvent
from complaints.states import Actor, Status
from complaints.timeline import record_event
from core.parties import Party
from notifications.services import Attachment, queue_email
from reading.sharing import shared_copy

from .models import AccessLog

log = logging.getLogger(__name__)

PLATFORM_EMAIL_LANGUAGE = "zh-hans"
PLATFORM_FORWARD_TEMPLATE = "platform_forward"


# --- Assignment -----------------------------------------------------------------


def assign(complaint: Complaint, *, assignee, actor) -> Complaint:
    """Give the complaint to `assignee` (None: nobody) and note it on the staff timeline."""
    with transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(assignee=assignee, updated_at=timezone.now())
        complaint.assignee = assignee
        text = (
            _("Assigned to %(name)s") % {"name": assignee.get_full_name() or assignee.get_username()}
            if assignee
            else _("Unassigned")
        )
        record_staff_event(complaint, TimelineEvent.Kind.ASSIGNED, actor=actor, text=text)
    return complaint


def take(complaint: Complaint, *, actor) -> Complaint:
    """Assign to oneself; a newly submitted complaint goes into review at the same time."""
    with transaction.atomic():
        assign(complaint, assignee=actor, actor=actor)
        if complaint.status == Status.SUBMITTED:
            complaint_services.transition(complaint, Status.IN_REVIEW, actor=actor, role=Actor.STAFF)
    return complaint


def record_staff_event(complaint: Complaint, kind: str, *, actor, text: str) -> TimelineEvent:
    """A staff-only line on the timeline (assignment, platform email sent or failed)."""
    return record_event(
        complaint,
        kind,
        actor=actor,
        role=Actor.STAFF if getattr(actor, "pk", None) else Actor.SYSTEM,
        text=text,
        staff_only=True,
    )


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


# escalation.models.PlatformFiling records how the complaint reached the platform.
_FILING_CHANNEL = {"in_app": "app", "web_form": "website", "online_chat": "website", "email": "other"}


def forward(complaint: Complaint, *, channel, actor, text: str = "") -> Complaint:
    """Forward to the platform through `channel` (a channels.Channel of its body).

    1. Move to FORWARDED through the state machine; the details tell escalation which
       channel, and its receiver starts the clocks.
    2. For an email channel, put one email for this move in the outbox (sent after
       commit, retried like every email), with the sanitised evidence attached.
    Raises ForwardRefused, before anything changes, for a channel forwarding_refusal
    refuses.
    """
    refusal = forwarding_refusal(complaint, channel)
    if refusal:
        raise ForwardRefused(refusal, code="channel_refused")
    kind = "phone" if channel.is_phone else _FILING_CHANNEL.get(channel.kind, "other")
    with transaction.atomic():
        complaint_services.transition(
            complaint,
            Status.FORWARDED,
            actor=actor,
            role=Actor.STAFF,
            text=text,
            details={"channel": kind, "channel_id": channel.pk, "channel_value": channel.value},
        )
        event = complaint.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED).order_by("-created_at", "-id").first()
        if channel.is_email and channel.normalised:
            _queue_platform_email(complaint, to=channel.normalised, forwarded_event=event)
    return complaint


def _queue_platform_email(complaint: Complaint, *, to: str, forwarded_event: TimelineEvent) -> None:
    """The complaint as the platform reads it (in Chinese), one email per forwarding
    move however often this runs. Only sanitised copies leave Tousu: evidence still
    being checked is neither listed nor attached, and each goes as the copy
    reading.sharing lets the platform have (personal data blurred unless the consumer
    chose to show it)."""
    evidence = list(complaint.evidence.ready().order_by("created_at", "id"))
    # forward() refuses a complaint without this consent (complaints.consents).
    consent = Consent.objects.get(complaint=complaint, recipient=Party.PLATFORM)
    queue_email(
        template=PLATFORM_FORWARD_TEMPLATE,
        to=to,
        language=PLATFORM_EMAIL_LANGUAGE,
        context={"complaint": complaint, "evidence": evidence, "consented_at": consent.given_at},
        complaint=complaint,
        dedupe_key=f"{PLATFORM_FORWARD_TEMPLATE}:{forwarded_event.pk}",
        reply_to=(settings.STAFF_NOTIFICATION_EMAILS or [""])[0],
        attachments=platform_attachments(evidence),
    )


def platform_attachments(evidence) -> list[Attachment]:
    """Each evidence file as the platform may receive it (reading.sharing's copy for
    the platform), for the outbox to carry."""
    return [Attachment(item.original_name, item.content_type, shared_copy(item, Party.PLATFORM)) for item in evidence]


def note_platform_email_outcome(*, email, status: str, attachments: int, **_kwargs) -> None:
    """Receiver of notifications.signals.email_finished: the outcome of an email to a
    platform goes on the complaint's staff timeline."""
    if email.template != PLATFORM_FORWARD_TEMPLATE or not email.complaint_id:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if status == "sent":
            text = _("Complaint emailed to %(to)s with %(count)s attachment(s)") % {
                "to": email.to,
                "count": attachments,
            }
        else:
            text = _("Email to %(to)s failed") % {"to": email.to}
        record_staff_event(email.complaint, TimelineEvent.Kind.NOTE, actor=None, text=text)


# --- The consumer's own complaint to the platform -----------------------------------


def has_unconfirmed_platform_filing(complaint: Complaint) -> bool:
    """The consumer said they complained to the platform themselves, and staff have not
    yet checked it: the platform clocks run, but the public statistics ignore them."""
    from escalation.clocks import unconfirmed_platform_clocks

    return unconfirmed_platform_clocks(complaint).exists()


def confirm_platform_filing(complaint: Complaint, *, actor) -> int:
    """Staff checked the consumer's proof: the platform clocks' start is confirmed (and
    counts in the statistics), noted on the staff timeline. Returns the clocks changed."""
    from escalation.clocks import confirm_platform_clock_starts

    with transaction.atomic():
        changed = confirm_platform_clock_starts(complaint, actor=actor)
        if changed:
            record_staff_event(
                complaint,
                TimelineEvent.Kind.NOTE,
                actor=actor,
                text=_("Confirmed the consumer's own complaint to the platform"),
            )
    return changed


# --- The platform's response ------------------------------------------------------


def record_platform_response(complaint: Complaint, *, actor, text: str, files=()) -> Complaint:
    """The platform answered: move to PLATFORM_RESPONDED (this meets the first-response
    clock) with the answer as the timeline text, and attach its files to the complaint.

    Files go through the evidence pipeline (checked and sanitised images) and belong
    to the consumer's complaint, so the consumer sees them on their timeline too.

    1. Refuse (EvidenceLimitReached) before staging anything when the files would take
       the complaint past its limit.
    2. Stage the files, then move and attach them in one transaction
       (complaints.services.attach_evidence checks the limit again under the lock).
    3. If anything is refused on the way, the staged uploads are deleted: nothing of
       the attempt stays.
    """
    evidence_pipeline.check_room_for_evidence(complaint, len(files))
    staged = []
    try:
        for upload in files:
            staged.append(evidence_pipeline.stage_evidence(complaint.owner, upload))
        with transaction.atomic():
            complaint_services.transition(
                complaint,
                Status.PLATFORM_RESPONDED,
                actor=actor,
                role=Actor.STAFF,
                text=text,
                details={"response": text},
            )
            complaint_services.attach_evidence(complaint, staged, actor=actor, role=Actor.STAFF)
    except Exception:
        evidence_pipeline.discard_staged(staged)
        raise
    return complaint


# --- Contact details ----------------------------------------------------------------

CONTACT_FIELDS = {AccessLog.Field.PHONE: "contact_phone", AccessLog.Field.EMAIL: "contact_email"}


def log_access(complaint: Complaint, field: str, *, user) -> AccessLog:
    """One row per staff access to a consumer's personal data: who, what, when."""
    return AccessLog.objects.create(user=user, complaint=complaint, field=field)


def reveal_contact(complaint: Complaint, field: str, *, user) -> str:
    """The consumer's full phone number or email address, logged (who, when)."""
    if not access.can_reveal_contact(user, complaint):
        raise PermissionDenied
    log_access(complaint, field, user=user)
    return getattr(complaint, CONTACT_FIELDS[field])


def open_packet(complaint: Complaint, field: str, *, user) -> access.Contact:
    """A staff member opens the escalation packet or its ZIP: log it, and return the
    contact details as the policy lets this user see them (full only with
    reveal_contact, otherwise masked)."""
    log_access(complaint, field, user=user)
    return access.contact_for(user, complaint, logged=True)
