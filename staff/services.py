"""Staff-side actions that are not status changes, and the steps around the ones that are.

Status moves still go through complaints.services.transition (the one state machine);
this module adds what the staff queue needs around them: assignment, forwarding by
email with the evidence attached, recording the platform's response with its files,
and the logged reveal of a consumer's contact details.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints import services as complaint_services
from complaints.models import Complaint, Evidence, TimelineEvent
from complaints.states import Actor, Status
from config.publishing import publish

from . import conf
from .models import AccessLog, PlatformEmail

log = logging.getLogger(__name__)

PLATFORM_EMAIL_LANGUAGE = "zh-hans"
CLAIM_SECONDS = 300


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
    return TimelineEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=Actor.STAFF if getattr(actor, "pk", None) else Actor.SYSTEM,
        text=text,
        staff_only=True,
    )


# --- Forwarding -----------------------------------------------------------------

# escalation.models.PlatformFiling records how the complaint reached the platform.
_FILING_CHANNEL = {"in_app": "app", "web_form": "website", "online_chat": "website", "email": "other"}


def forward(complaint: Complaint, *, channel, actor, text: str = "") -> Complaint:
    """Forward to the platform through `channel` (a channels.Channel of its body).

    1. Move to FORWARDED through the state machine; the details tell escalation which
       channel, and its receiver starts the clocks.
    2. For an email channel, store one PlatformEmail for this move and send it after
       commit (staff.tasks.send_platform_email), with the evidence attached.
    """
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
            email = PlatformEmail.objects.create(complaint=complaint, forwarded_event=event, to=channel.normalised)
            transaction.on_commit(lambda: _enqueue_platform_email(email.pk))
    return complaint


def _enqueue_platform_email(email_id: int) -> None:
    from .tasks import send_platform_email

    publish(send_platform_email, email_id)  # if the broker is down the row stays pending; staff see it


def build_platform_email(complaint: Complaint, to: str) -> EmailMultiAlternatives:
    """The complaint as the platform reads it (in Chinese), with each evidence file attached."""
    # Only sanitised copies leave Tousu; evidence still being checked is not attached.
    evidence = list(complaint.evidence.ready().order_by("created_at", "id"))
    context = {"complaint": complaint, "evidence": evidence, "site_url": settings.SITE_URL}
    with translation.override(PLATFORM_EMAIL_LANGUAGE):
        subject = render_to_string("staff/emails/platform_forward/subject.txt", context)
        text = render_to_string("staff/emails/platform_forward/body.txt", context)
        html = render_to_string("staff/emails/platform_forward/body.html", context)
    message = EmailMultiAlternatives(
        settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        text.strip() + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [to],
        reply_to=settings.STAFF_NOTIFICATION_EMAILS[:1] or None,
    )
    message.attach_alternative(html, "text/html")
    for item in evidence:
        # The stored file is the sanitised copy (no EXIF), with our own content type.
        with item.file.open("rb") as handle:
            message.attach(item.original_name, handle.read(), item.content_type)
    return message


def send_platform_email(email_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one PlatformEmail at most once.

    1. Claim the row with a conditional update (pending, no live claim).
    2. Build and send the message with the evidence attached.
    3. Record sent (and a staff-only timeline line), or the error for a retry.
    """
    now = now or timezone.now()
    claimed = (
        PlatformEmail.objects.filter(pk=email_id, status=PlatformEmail.Status.PENDING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    email = PlatformEmail.objects.select_related("complaint__platform").get(pk=email_id)
    try:
        message = build_platform_email(email.complaint, email.to)
        message.send()
    except Exception as exc:  # SMTP, storage and backend errors alike
        failed = email.attempts >= conf.PLATFORM_EMAIL_MAX_ATTEMPTS
        PlatformEmail.objects.filter(pk=email_id).update(
            status=PlatformEmail.Status.FAILED if failed else PlatformEmail.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            locked_until=None,
        )
        log.warning("platform email %s attempt %s failed: %s", email_id, email.attempts, exc)
        if failed:
            with translation.override(settings.LANGUAGE_CODE):
                record_staff_event(
                    email.complaint,
                    TimelineEvent.Kind.NOTE,
                    actor=None,
                    text=_("Email to %(to)s failed") % {"to": email.to},
                )
        return "failed" if failed else "retry"
    with transaction.atomic():
        PlatformEmail.objects.filter(pk=email_id).update(
            status=PlatformEmail.Status.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
        )
        with translation.override(settings.LANGUAGE_CODE):
            record_staff_event(
                email.complaint,
                TimelineEvent.Kind.NOTE,
                actor=None,
                text=_("Complaint emailed to %(to)s with %(count)s attachment(s)")
                % {"to": email.to, "count": len(message.attachments)},
            )
    return "sent"


# --- The platform's response ------------------------------------------------------


def record_platform_response(complaint: Complaint, *, actor, text: str, files=()) -> Complaint:
    """The platform answered: move to PLATFORM_RESPONDED (this meets the first-response
    clock) with the answer as the timeline text, and attach its files to the complaint.

    Files go through the evidence pipeline (checked and sanitised images) and belong
    to the consumer's complaint, so the consumer sees them on their timeline too."""
    staged = [complaint_services.stage_evidence(complaint.owner, upload) for upload in files]
    with transaction.atomic():
        complaint_services.transition(
            complaint, Status.PLATFORM_RESPONDED, actor=actor, role=Actor.STAFF, text=text, details={"response": text}
        )
        if staged:
            Evidence.objects.filter(pk__in=[e.pk for e in staged], complaint__isnull=True).update(complaint=complaint)
            TimelineEvent.objects.create(
                complaint=complaint,
                kind=TimelineEvent.Kind.EVIDENCE_ADDED,
                actor=actor,
                actor_role=Actor.STAFF,
                text=", ".join(e.original_name for e in staged),
            )
    return complaint


# --- Contact details ----------------------------------------------------------------

CONTACT_FIELDS = {AccessLog.Field.PHONE: "contact_phone", AccessLog.Field.EMAIL: "contact_email"}


def reveal_contact(complaint: Complaint, field: str, *, user) -> str:
    """The consumer's full phone number or email address, logged (who, when)."""
    AccessLog.objects.create(user=user, complaint=complaint, field=field)
    return getattr(complaint, CONTACT_FIELDS[field])
