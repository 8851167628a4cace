"""One message per moment (issue 24 part 4), through a real SMTP server on loopback:
a claim and the forward a minute later are one message that lists the deadlines now
running; a resolution's message asks "Was it solved?" itself, so the question never
comes before it; messages wait the production hold and are sent by the resend sweep."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from actions.staff import take
from actions.status import transition
from complaints.states import Actor, Status
from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import resend_pending_email
from tests.escalation.beijing import at
from tests.services import Mailbox, free_port, smtp_server

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-03-02 10:00")]


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NOTIFICATION_MOMENT_SECONDS = 60  # the production hold
    mailbox = Mailbox()
    with smtp_server(mailbox, port=port):
        yield mailbox


def received(mailbox, reference):
    """Subjects and decoded bodies of what the SMTP server got about `reference`, but
    the filing's own confirmation ("已收到投诉")."""
    import email
    from email import policy

    out = []
    for envelope in mailbox.messages:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if reference in message["Subject"] and "已收到" not in message["Subject"]:
            out.append((message["Subject"], message.get_body(("plain",)).get_content()))
    return out


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        resend_pending_email()


def test_a_claim_and_a_forward_within_a_minute_are_one_message_with_the_deadlines(
    smtp, policies, make_complaint, staff
):
    complaint = make_complaint(images=0)
    smtp.messages.clear()
    with time_machine.travel(at("2026-03-02 10:00:10"), tick=False):
        take(complaint, actor=staff)
    sweep_at(at("2026-03-02 10:00:40"))  # still held: nothing goes yet
    assert received(smtp, complaint.reference) == []
    with time_machine.travel(at("2026-03-02 10:00:50"), tick=False):
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    sweep_at(at("2026-03-02 10:01:20"))  # the claim's hold is over, but it was merged
    assert received(smtp, complaint.reference) == []
    sweep_at(at("2026-03-02 10:01:51"))
    [(subject, body)] = received(smtp, complaint.reference)
    assert "已转交平台" in subject
    assert "审核中 → 已转交平台" in body
    # Forwarded Mon 2 Mar 2026: Pinduoduo's clocks run, in words.
    assert "现在开始计时的期限：" in body and "拼多多须在" in body and "周" in body
    claim, forward = OutboundEmail.objects.filter(template="status_changed").order_by("created_at")
    assert (claim.status, claim.merged_into_id, forward.status) == ("merged", forward.pk, "sent")
    sweep_at(at("2026-03-02 10:10:00"))
    assert len(received(smtp, complaint.reference)) == 1  # never twice


def test_resolved_carries_was_it_solved_and_no_question_comes_on_its_own(smtp, policies, make_complaint, staff):
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-03-02 10:00:10"), tick=False):
        take(complaint, actor=staff)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    sweep_at(at("2026-03-02 10:05"))
    smtp.messages.clear()
    with time_machine.travel(at("2026-03-04 15:00"), tick=False):
        transition(complaint, Status.RESOLVED, actor=staff, role=Actor.STAFF)
    sweep_at(at("2026-03-04 15:02"))
    [(subject, body)] = received(smtp, complaint.reference)
    assert "已解决" in subject
    assert "问题真的解决了吗？" in body and "#solved" in body
    assert not OutboundEmail.objects.filter(template="solved_question").exists()


def test_a_message_a_sender_already_claimed_is_not_merged_but_sent_as_it_is(smtp, policies, make_complaint, staff):
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-03-02 10:00:10"), tick=False):
        take(complaint, actor=staff)
    claim = OutboundEmail.objects.get(template="status_changed")
    # A worker holds it (its send in progress): the forward cannot take it back.
    OutboundEmail.objects.filter(pk=claim.pk).update(attempts=1, locked_until=timezone.now() + dt.timedelta(seconds=60))
    with time_machine.travel(at("2026-03-02 10:00:20"), tick=False):
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    claim.refresh_from_db()
    assert claim.status == "pending" and claim.merged_into_id is None
    assert services.deliver(claim.pk, now=at("2026-03-02 10:02")) == "sent"
