"""A deadline reminder by SMS beside the email, through the real sweep and outbox."""

import pytest
import time_machine
from django.core import mail

from accounts import contact
from accounts.models import ContactPreference, PhoneNumber
from actions.reminders import claim_due_reminders
from actions.status import transition
from complaints.states import Actor, Status
from notifications.models import OutboundEmail
from notifications.services import deliver, due_email_ids
from tests.escalation.beijing import at
from tests.escalation.sending import send_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2025-09-30 14:00")]


@pytest.fixture
def forwarded_to_both(policies, make_complaint, staff, consumer, settings, tmp_path):
    settings.SMS_PROVIDER = "files"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    PhoneNumber.objects.create(user=consumer, phone="+8613800138000", verified=True)
    contact.choose(consumer, ContactPreference.Channels.BOTH)
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2025-09-30 15:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    mail.outbox.clear()
    return complaint


def test_an_overdue_reminder_at_midnight_is_one_email_now_and_one_sms_at_eight(forwarded_to_both, tmp_path):
    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        assert send_reminders(claim_due_reminders()) == ["sent"]
    mail.outbox.clear()
    with time_machine.travel(at("2025-10-12 00:05"), tick=False):
        assert send_reminders(claim_due_reminders()) == ["sent"]
    assert len(mail.outbox) == 1
    [text] = OutboundEmail.objects.filter(transport="sms", template="reminder_overdue")
    assert (text.status, text.next_attempt_at) == ("pending", at("2025-10-12 08:00"))
    with time_machine.travel(at("2025-10-12 08:01"), tick=False):
        assert text.pk in due_email_ids()
        assert deliver(text.pk) == "sent"
        assert deliver(text.pk) == "skipped"
    texts = [p.read_text() for p in (tmp_path / "sms").iterdir() if "reminder_overdue" in p.read_text()]
    assert len(texts) == 1 and forwarded_to_both.reference in texts[0]
