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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import evidence_pipeline
from complaints.consents import has_consent
from complaints.models import Complaint, Evidence, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from escalation.models import Clock, ClockKind
from notifications.services import queue_message
from respondents import webhooks
from respondents.models import (
    RESOLVING,
    Answer,
    ApiToken,
    Delivery,
    Member,
    Organisation,
    ShopConsent,
)
from staff.models import AccessLog
from staff.services import log_access

from . import Account, Person, action
from .evidence import attach_evidence
from .notify import tell_consumer
from .status import PlatformReached, transition
from .timeline import record_event

log = logging.getLogger(__name__)

EVENT_DELIVERED = "complaint.delivered"
EVENT_UPDATED = "complaint.updated"
EVENT_DISPUTED = "answer.disputed"


class AnswerRefused(Exception):
    """An answer the complaint cannot take now (withdrawn, closed, not delivered)."""


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
def open_delivery(
    delivery: Delivery,
    *,
    user: Person,
    field: str = AccessLog.Field.RESPONDENT_OPENED,
    api_token: ApiToken | None = None,
) -> None:
    """A member opened the complaint (or its evidence), or the organisation's system did
    through the API (`user` None, `api_token` the token): one access-log row each time,
    as a staff reveal writes, and the first opening is kept on the delivery."""
    log_access(delivery.complaint, field, user=user, api_token=api_token)
    Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(first_opened_at=timezone.now())


@action
def acknowledge(delivery: Delivery, *, user: Person, now: dt.datetime | None = None) -> Delivery:
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
    user: Person,
    files: Sequence[UploadedFile[Any]] = (),
    idempotency_key: str = "",
    token: ApiToken | None = None,
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
                token=token,
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
def record_off_tousu_answer(complaint: Complaint, values: AnswerValues, *, staff_user: Person) -> Answer:
    """Staff record an answer the platform gave outside Tousu (a phone call): marked
    as such, and never counted as the respondent's own in its figures."""
    delivery = Delivery.objects.filter(complaint=complaint).first()
    return _record_answer(complaint, values, user=staff_user, delivery=delivery, off_tousu=True, role=Actor.STAFF)


@action
def _record_answer(
    complaint: Complaint,
    values: AnswerValues,
    *,
    user: Person,
    delivery: Delivery | None,
    staged: Sequence[Evidence] = (),
    idempotency_key: str = "",
    off_tousu: bool = False,
    role: str = Actor.RESPONDENT,
    token: ApiToken | None = None,
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
        api_token=token,
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


# --- Shops -----------------------------------------------------------------------------

SHOP_CONSENT_VERSION = "shop-2026-12-v1"


def shop_consent_text(organisation: Organisation) -> str:
    return _(
        "I agree that Tousu delivers this complaint, with my name, mobile phone number, order details, "
        "what happened and my evidence images (personal data in them blurred unless I choose to show it), "
        "to the shop %(shop)s on %(platform)s, so that it can handle my complaint."
    ) % {"shop": organisation.name, "platform": organisation.platform.name}


@action
def consent_to_shop(
    complaint: Complaint, organisation: Organisation, *, user: Account, now: dt.datetime | None = None
) -> Delivery:
    """The consumer names a shop that is on Tousu and agrees to share the complaint with
    it (a consent of its own, PIPL art. 23): record it with its text, then deliver."""
    if organisation.kind != Organisation.Kind.SHOP or organisation.platform_id != complaint.platform_id:
        raise ValueError("not a shop of this complaint's platform")
    if not organisation.has_joined:
        raise ValueError("the shop has not joined")
    now = now or timezone.now()
    ShopConsent.objects.get_or_create(
        complaint=complaint,
        organisation=organisation,
        defaults={
            "user": user,
            "text_version": SHOP_CONSENT_VERSION,
            "text": shop_consent_text(organisation),
            "given_at": now,
        },
    )
    return deliver(complaint, organisation, now=now)
