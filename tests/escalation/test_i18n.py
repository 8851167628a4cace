import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.messages.pofile import read_po
from django.core import mail

from accounts.models import remember_language
from actions.reminders import claim_due_reminders
from actions.status import transition
from complaints.states import Actor, Status
from tests.escalation.sending import send_reminders

SH = ZoneInfo("Asia/Shanghai")
PO = Path(__file__).resolve().parents[2] / "escalation" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_escalation_string_has_a_simplified_chinese_translation_and_none_is_fuzzy():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.django_db
@pytest.mark.frozen_at("2025-09-30 14:00")
def test_reminder_is_written_in_the_consumers_language(policies, make_complaint, staff, consumer):
    remember_language(consumer, "zh-hans")
    complaint = make_complaint(images=0)
    with time_machine.travel(dt.datetime(2025, 9, 30, 15, tzinfo=SH), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2025, 10, 10, 9, 5, tzinfo=SH), tick=False):
        [reminder_id] = claim_due_reminders()
        assert send_reminders([reminder_id]) == ["sent"]
    [message] = mail.outbox
    assert "拼多多的期限是明天" in message.subject
    assert "不再接收这个投诉的提醒" in message.body
    assert "2025-10-11" in message.alternatives[0][0]
