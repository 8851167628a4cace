"""Erasing a consumer whose complaint is still with the platform: its clocks stop, so
no reminder goes to an address that no longer exists."""

import pytest
import time_machine

from actions.erasure import erase_account
from actions.reminders import claim_due_reminders
from actions.status import transition
from complaints.states import Actor, Status
from escalation.models import Clock
from tests.escalation.beijing import at

pytestmark = pytest.mark.django_db


def test_erasing_the_consumer_stops_the_clocks_and_keeps_the_status(policies, make_complaint, staff, consumer):
    with time_machine.travel(at("2026-09-28 10:00"), tick=False):
        complaint = make_complaint(images=0)
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    assert Clock.objects.filter(complaint=complaint, state=Clock.State.RUNNING).count() == 2

    with time_machine.travel(at("2026-09-29 10:00"), tick=False):
        erase_account(consumer)

    complaint.refresh_from_db()
    assert complaint.status == Status.FORWARDED and complaint.next_deadline_at is None
    assert set(Clock.objects.filter(complaint=complaint).values_list("state", flat=True)) == {Clock.State.STOPPED}
    assert claim_due_reminders(now=at("2026-10-20 10:00")) == []
