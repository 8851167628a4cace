"""Respondents on Tousu: invitations, delivery, openings, answers and disputes.

A complaint reaches a respondent that has joined the moment the consumer's consent to
share it allows (at filing, for the platform); delivery is the confirmed start of the
platform's clocks. The respondent's members answer from the portal or the API
(respondents.views, respondents.api), both thin callers of these functions. Every
change is told to the respondent through `_tell_respondent` (its members by email, its
systems by webhook) and to the consumer through actions.notify.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import evidence_pipeline
from complaints.consents import has_consent
from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from escalation.models import Clock, ClockKind
from notifications.services import queue_message
from respondents import directory, webhooks
from respondents.models import RESOLVING, Answer, Delivery, Invitation, Member, Organisation, hash_secret, new_secret
from staff.models import AccessLog
from staff.services import log_access

from . import action
from .evidence import attach_evidence
from .notify import tell_consumer
from .status import PlatformReached, transition
from .timeline import record_event

log = logging.getLogger(__name__)

INVITATION_VALID_FOR = dt.timedelta(days=7)

EVENT_DELIVERED = "complaint.delivered"
EVENT_UPDATED = "complaint.updated"
EVENT_DISPUTED = "answer.disputed"


class InvitationRefused(Exception):
    """Why an invitation cannot go out, or cannot be accepted; the message is for people."""


class AnswerRefused(Exception):
    """An answer the complaint cannot take now (withdrawn, closed, not delivered)."""


# --- Invitations -----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentsChecked:
    """A supervisor's record that they saw the documents that let an address speak for
    the organisation, when its domain is not one the directory trusts."""

    seen: str  # what: 营业执照, authorisation letter, ...
    on: dt.date
    by: object  # the supervisor


@action
def invite(
    organisation: Organisation,
    *,
    email: str,
    invited_by,
    role: str = Member.Role.MANAGER,
    documents: DocumentsChecked | None = None,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """A one-time invitation for `email` to join `organisation`; returns it and the
    link (shown once: only the key's hash is kept).

    The address must be at a domain the directory holds for the organisation's
    platform at a trusted level (respondents.directory), or a supervisor must have
    seen the documents (营业执照 and authorisation letter): anyone can claim to speak
    for 拼多多, and an invitation opens consumers' complaints."""
    now = now or timezone.now()
    trusted = directory.domain_is_trusted(organisation, email)
    if not trusted and documents is None:
        raise InvitationRefused(
            _(
                "The address %(email)s is not at a domain the directory trusts for %(name)s: "
                "a supervisor must record the documents they checked first."
            )
            % {"email": email, "name": organisation.name}
        )
    if documents is not None and not documents.by.has_perm("respondents.verify_documents"):
        raise InvitationRefused(_("Only a supervisor may record the documents checked."))
    key = new_secret("inv")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        role=role,
        key_hash=hash_secret(key),
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
        domain_trusted=trusted,
        documents_checked=documents.seen if documents else "",
        documents_checked_on=documents.on if documents else None,
        documents_checked_by=documents.by if documents else None,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    link = settings.SITE_URL + reverse("respondents:accept", args=[key])
    # Sent to the invited address itself: using the link proves the address is theirs.
    queue_message(
        transport="email",
        template="respondent_invitation",
        to=invitation.email,
        language=settings.LANGUAGE_CODE,
        context={"organisation": organisation, "link": link},
        dedupe_key=f"respondent_invitation:{invitation.pk}",
    )
    return invitation, link


def usable_invitation(key: str, now: dt.datetime | None = None) -> Invitation | None:
    invitation = Invitation.objects.select_related("organisation").filter(key_hash=hash_secret(key)).first()
    return invitation if invitation and invitation.is_usable(now) else None


@action
def accept_invitation(key: str, *, user, now: dt.datetime | None = None) -> Member:
    """`user` (signed in with the invited address) becomes a member. The claim is a
    conditional update, so a link used twice at once makes one member."""
    now = now or timezone.now()
    invitation = usable_invitation(key, now)
    if invitation is None:
        raise InvitationRefused(_("This invitation has expired or has already been used."))
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise InvitationRefused(_("Sign in with the address the invitation was sent to."))
    if Member.objects.filter(user=user).exclude(organisation=invitation.organisation).exists():
        raise InvitationRefused(_("This account already answers for another organisation."))
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=user
    )
    if claimed != 1:
        raise InvitationRefused(_("This invitation has expired or has already been used."))
    member, _created = Member.objects.update_or_create(
        user=user, defaults={"organisation": invitation.organisation, "role": invitation.role}
    )
    organisation = invitation.organisation
    if organisation.joined_at is None:
        Organisation.objects.filter(pk=organisation.pk, joined_at__isnull=True).update(joined_at=now)
        organisation.joined_at = now
        deliver_waiting(organisation, now=now)
    return member


# --- Delivery ----------------------------------------------------------------------


def respondent_for(complaint: Complaint) -> Organisation | None:
    """The organisation that answers for the complaint's platform, joined or not."""
    return Organisation.objects.filter(platform_id=complaint.platform_id, kind=Organisation.Kind.PLATFORM).first()


# Statuses in which a complaint still waits for the platform to hear of it.
_NOT_YET_WITH_THE_PLATFORM = (Status.SUBMITTED, Status.IN_REVIEW)


@action
def deliver_if_joined(complaint: Complaint, *, now: dt.datetime | None = None) -> Delivery | None:
    """Deliver the complaint to its platform's respondent if that has joined and the
    consumer consented to share it with the platform (PIPL art. 23); otherwise
    nothing, and the consumer's page says the platform is not on Tousu."""
    organisation = respondent_for(complaint)
    if organisation is None or not organisation.has_joined:
        return None
    if not has_consent(complaint, Party.PLATFORM):
        return None
    return deliver(complaint, organisation, now=now)


@action
def deliver(complaint: Complaint, organisation: Organisation, *, now: dt.datetime | None = None) -> Delivery:
    """Put the complaint in the organisation's queue, once.

    1. Write the delivery (unique per complaint and organisation: a rerun returns it).
    2. If the complaint has not reached the platform yet, move it to FORWARDED as the
       system: the delivery is a confirmed start of the platform's clocks.
    3. Tell the respondent (members by email, systems by webhook)."""
    now = now or timezone.now()
    existing = Delivery.objects.filter(complaint=complaint, organisation=organisation).first()
    if existing:
        return existing
    delivery = Delivery.objects.create(complaint=complaint, organisation=organisation, delivered_at=now, updated_at=now)
    record_event(
        complaint,
        TimelineEvent.Kind.DELIVERED,
        actor=None,
        role=Actor.SYSTEM,
        text=_("Delivered to %(name)s on Tousu") % {"name": organisation.name},
        at=now,
    )
    if complaint.status in _NOT_YET_WITH_THE_PLATFORM:
        transition(
            complaint,
            Status.FORWARDED,
            actor=None,
            role=Actor.SYSTEM,
            reached=PlatformReached(channel="tousu", at=now),
            email=False,
        )
    _tell_respondent(delivery, EVENT_DELIVERED, at=now)
    return delivery


@action
def deliver_waiting(organisation: Organisation, *, now: dt.datetime | None = None) -> int:
    """A respondent that just joined gets the open complaints consented to it that
    still wait for the platform (filed before it joined). Returns how many."""
    complaints = Complaint.objects.filter(
        platform_id=organisation.platform_id, status__in=_NOT_YET_WITH_THE_PLATFORM, consents__recipient=Party.PLATFORM
    ).exclude(deliveries__organisation=organisation)
    count = 0
    for complaint in complaints.distinct():
        deliver(complaint, organisation, now=now)
        count += 1
    return count


@action
def open_delivery(delivery: Delivery, *, user, field: str = AccessLog.Field.RESPONDENT_OPENED, api_token=None) -> None:
    """A member opened the complaint (or its evidence), or the organisation's system did
    through the API (`user` None, `api_token` the token): one access-log row each time,
    as a staff reveal writes, and the first opening is kept on the delivery."""
    log_access(delivery.complaint, field, user=user, api_token=api_token)
    Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(first_opened_at=timezone.now())


@action
def acknowledge(delivery: Delivery, *, user, now: dt.datetime | None = None) -> Delivery:
    """The respondent says it has the complaint and is working on it (not an answer:
    no clock stops)."""
    now = now or timezone.now()
    if Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, updated_at=now
    ):
        delivery.acknowledged_at = delivery.updated_at = now
    return delivery


# --- Answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerValues:
    kind: str  # respondents.models.Answer.Kind
    message: str
    amount: Decimal | None = None
    expected_by: dt.date | None = None
    redirect_to: str = ""


# What each answer does to the complaint: a resolving answer resolves it (and asks the
# consumer "Was it solved?"); any other is the platform's response.
def _target_status(kind: str) -> str:
    return Status.RESOLVED if kind in RESOLVING else Status.PLATFORM_RESPONDED


def _clock_for(kind: str, answered_before: bool) -> str:
    """The clock an answer is judged against: the first answer against the first
    response clock, a resolving one after it against the resolution clock."""
    if kind in RESOLVING and answered_before:
        return ClockKind.RESOLUTION
    return ClockKind.FIRST_RESPONSE


def _is_timely(complaint: Complaint, clock_kind: str, at: dt.datetime) -> bool:
    """Answered by the clock's deadline. A clock that already ran out has been stopped
    or met by then as well; the latest clock of the kind is the one that applied."""
    clock = Clock.objects.filter(complaint=complaint, kind=clock_kind).order_by("-started_at", "-id").first()
    return clock is None or at <= clock.due_at


def answer(
    delivery: Delivery,
    values: AnswerValues,
    *,
    user,
    files=(),
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Answer, bool]:
    """A member's answer (portal or API). Returns the answer and whether it is new:
    a retry with the same Idempotency-Key returns the first answer unchanged.

    Attachments go through the evidence pipeline like the consumer's, staged before
    the transaction and discarded if anything is refused."""
    if idempotency_key:
        earlier = Answer.objects.filter(organisation=delivery.organisation, idempotency_key=idempotency_key).first()
        if earlier:
            return earlier, False
    evidence_pipeline.check_room_for_evidence(delivery.complaint, len(files))
    staged = []
    try:
        for upload in files:
            staged.append(evidence_pipeline.stage_evidence(delivery.complaint.owner, upload))
        try:
            created = _record_answer(
                delivery.complaint,
                values,
                user=user,
                delivery=delivery,
                staged=staged,
                idempotency_key=idempotency_key,
                now=now,
            )
        except IntegrityError:
            # The same key raced in twice; the first one won.
            earlier = Answer.objects.filter(organisation=delivery.organisation, idempotency_key=idempotency_key).first()
            if earlier is None:
                raise
            evidence_pipeline.discard_staged(staged)
            return earlier, False
    except Exception:
        evidence_pipeline.discard_staged(staged)
        raise
    return created, True


@action
def record_off_tousu_answer(complaint: Complaint, values: AnswerValues, *, staff_user) -> Answer:
    """Staff record an answer the platform gave outside Tousu (a phone call): marked
    as such, and never counted as the respondent's own in its figures."""
    delivery = Delivery.objects.filter(complaint=complaint).first()
    return _record_answer(complaint, values, user=staff_user, delivery=delivery, off_tousu=True, role=Actor.STAFF)


@action
def _record_answer(
    complaint: Complaint,
    values: AnswerValues,
    *,
    user,
    delivery: Delivery | None,
    staged=(),
    idempotency_key: str = "",
    off_tousu: bool = False,
    role: str = Actor.RESPONDENT,
    now: dt.datetime | None = None,
) -> Answer:
    """1. Lock the complaint; refuse an answer to one that can take none.
    2. Judge the answer on time or not against the clock it answers.
    3. Store it, put it on the timeline and move the status (the move meets the
       clocks: a first answer the first-response clock, a resolving one all of them,
       and asks the consumer "Was it solved?").
    4. Tell the consumer and the respondent."""
    now = now or timezone.now()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    target = _target_status(values.kind)
    if locked.status not in (Status.FORWARDED, Status.PLATFORM_RESPONDED, Status.NEEDS_INFO) and not (
        locked.status == target
    ):
        raise AnswerRefused(
            _("A complaint that is “%(status)s” cannot take an answer.") % {"status": Status(locked.status).label}
        )
    answered_before = Answer.objects.filter(complaint=locked, off_tousu=False).exists()
    timely = _is_timely(locked, _clock_for(values.kind, answered_before), now)
    answer = Answer.objects.create(
        complaint=locked,
        delivery=delivery,
        organisation=delivery.organisation if delivery else None,
        kind=values.kind,
        message=values.message,
        amount=values.amount,
        expected_by=values.expected_by,
        redirect_to=values.redirect_to,
        author=user if getattr(user, "pk", None) else None,
        off_tousu=off_tousu,
        timely=timely,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    record_event(locked, TimelineEvent.Kind.ANSWERED, actor=user, role=role, text=answer_summary(answer), at=now)
    if locked.status != target:
        if locked.status == Status.NEEDS_INFO:
            transition(locked, Status.IN_REVIEW, actor=user, role=Actor.STAFF, email=False)
            transition(locked, Status.FORWARDED, actor=user, role=Actor.STAFF, email=False)
        transition(locked, target, actor=user, role=role, email=False)
    if staged:
        attach_evidence(locked, list(staged), actor=user, role=role)
    if delivery is not None:
        first = delivery.first_answer_at is None and not off_tousu
        Delivery.objects.filter(pk=delivery.pk).update(
            updated_at=now,
            **({"first_answer_at": now, "first_answer_timely": timely} if first else {}),
        )
        if not off_tousu:
            _tell_respondent(delivery, EVENT_UPDATED, at=now)
    tell_consumer(
        locked,
        "respondent_answered",
        {"answer": answer, "respondent": delivery.organisation.name if delivery else locked.platform.name_zh},
        dedupe_key=f"respondent_answered:{answer.pk}",
    )
    complaint.status = locked.status
    return answer


def answer_summary(answer: Answer) -> str:
    """The answer as one timeline line, written in the site's language: what it is,
    its figures, then the message."""
    head = str(Answer.Kind(answer.kind).label)
    if answer.amount is not None:
        head += f" ¥{answer.amount:.2f}"
    if answer.expected_by:
        head += " · " + _("expected by %(date)s") % {"date": answer.expected_by.isoformat()}
    if answer.redirect_to:
        head += " · " + _("should be answered by %(who)s") % {"who": answer.redirect_to}
    if answer.off_tousu:
        head += " · " + str(OFF_TOUSU_NOTE)
    return f"{head}\n{answer.message}"


OFF_TOUSU_NOTE = gettext_lazy("recorded by Tousu staff from outside Tousu")


# --- What the consumer does that the respondent must hear ------------------------------


@action
def consumer_changed(complaint: Complaint, *, event: str = EVENT_UPDATED, now: dt.datetime | None = None) -> int:
    """The consumer replied or said an answer did not solve it: every respondent the
    complaint was delivered to hears of it. Returns how many were told."""
    now = now or timezone.now()
    deliveries = list(Delivery.objects.filter(complaint=complaint).select_related("organisation", "complaint"))
    for delivery in deliveries:
        Delivery.objects.filter(pk=delivery.pk).update(updated_at=now)
        _tell_respondent(delivery, event, at=now)
    return len(deliveries)


# --- Telling the respondent ------------------------------------------------------------


def member_addresses(organisation: Organisation) -> list[tuple[Member, str]]:
    """Each member's verified primary address: nothing goes to an unverified one."""
    rows = []
    for member in organisation.members.select_related("user"):
        address = EmailAddress.objects.filter(user=member.user, verified=True).order_by("-primary").first()
        if address:
            rows.append((member, address.email))
    return rows


def _tell_respondent(delivery: Delivery, event: str, *, at: dt.datetime) -> None:
    """Email each member (a link only, no personal data) and queue the webhook event
    for each enabled endpoint; both leave after the transaction commits."""
    organisation = delivery.organisation
    for member, address in member_addresses(organisation):
        queue_message(
            transport="email",
            template="respondent_event",
            to=address,
            language=settings.LANGUAGE_CODE,
            context={"event": event, "delivery": delivery, "organisation": organisation},
            about=delivery.complaint,
            dedupe_key=f"respondent:{event}:{delivery.pk}:{member.pk}:{at.timestamp()}",
        )
    webhooks.queue_event(delivery, event, at=at)
