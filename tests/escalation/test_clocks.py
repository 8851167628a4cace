import datetime as dt

import pytest
import time_machine

from actions.routes import record_step
from actions.status import PlatformReached, transition
from complaints.states import Actor, Status
from escalation.models import Clock, ClockKind, EscalationFiling, PlatformFiling, Route, StepKind
from tests.escalation.beijing import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2025-09-01 09:00")]


def clock(complaint, kind):
    return Clock.objects.get(complaint=complaint, kind=kind)


def forward(complaint, staff, when):
    with time_machine.travel(at(when), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        return transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)


def test_forwarding_starts_pinduoduo_clocks_due_at_end_of_the_working_day(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0), staff, "2025-09-30 15:00")
    first = clock(complaint, ClockKind.FIRST_RESPONSE)
    resolution = clock(complaint, ClockKind.RESOLUTION)
    assert first.due_at == at("2025-10-11 23:59:59")
    assert first.expected_at == at("2025-10-09 00:00")
    assert resolution.due_at == at("2025-10-16 23:59:59")
    assert not first.provisional
    complaint.refresh_from_db()
    assert complaint.next_deadline_at == first.due_at
    assert complaint.next_deadline_provisional is False


def test_taobao_first_reply_is_due_24_hours_after_forwarding(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0, platform="taobao"), staff, "2026-02-13 10:30")
    assert clock(complaint, ClockKind.FIRST_RESPONSE).due_at == at("2026-02-14 10:30")
    assert clock(complaint, ClockKind.RESOLUTION).due_at == at("2026-03-02 23:59:59")


def test_platform_without_a_policy_gets_no_clock(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0, platform="tmall"), staff, "2026-02-13 10:30")
    assert not complaint.clocks.exists()
    complaint.refresh_from_db()
    assert complaint.next_deadline_at is None


def test_consumer_recording_their_own_platform_complaint_starts_clocks_from_that_time(
    policies, make_complaint, consumer
):
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-02-20 09:00"), tick=False):
        transition(
            complaint,
            Status.FORWARDED,
            actor=consumer,
            role=Actor.CONSUMER,
            reached=PlatformReached("app", at=at("2026-02-13 18:00"), ticket="PDD-778"),
        )
    assert clock(complaint, ClockKind.FIRST_RESPONSE).due_at == at("2026-02-25 23:59:59")
    filing = PlatformFiling.objects.get(complaint=complaint)
    assert (filing.channel, filing.ticket, filing.filed_at) == ("app", "PDD-778", at("2026-02-13 18:00"))


def test_platform_response_meets_first_response_and_resolution_meets_the_rest(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0), staff, "2025-09-30 15:00")
    with time_machine.travel(at("2025-10-09 12:00"), tick=False):
        transition(complaint, Status.PLATFORM_RESPONDED, actor=staff, role=Actor.STAFF)
    first = clock(complaint, ClockKind.FIRST_RESPONSE)
    assert first.state == Clock.State.MET and first.met_at == at("2025-10-09 12:00")
    assert first.next_reminder_at is None
    complaint.refresh_from_db()
    assert complaint.next_deadline_at == at("2025-10-16 23:59:59")
    with time_machine.travel(at("2025-10-10 12:00"), tick=False):
        transition(complaint, Status.RESOLVED, actor=staff, role=Actor.STAFF)
    assert clock(complaint, ClockKind.RESOLUTION).state == Clock.State.MET
    complaint.refresh_from_db()
    assert complaint.next_deadline_at is None


def test_waiting_for_the_consumer_pauses_and_resumes_with_the_working_days_left(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0), staff, "2026-02-13 10:00")  # resolution due 2026-03-02
    with time_machine.travel(at("2026-02-25 10:00"), tick=False):  # 3 working days left: 26, 27, 28 Feb... and 2 Mar
        transition(complaint, Status.NEEDS_INFO, actor=staff, role=Actor.STAFF)
    resolution = clock(complaint, ClockKind.RESOLUTION)
    assert resolution.state == Clock.State.PAUSED
    assert resolution.remaining == 4  # Thu 26, Fri 27, Sat 28 (make-up day), Mon 2 Mar
    complaint.refresh_from_db()
    assert complaint.next_deadline_at is None
    with time_machine.travel(at("2026-03-09 11:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
    resolution.refresh_from_db()
    assert resolution.state == Clock.State.RUNNING
    assert resolution.due_at == at("2026-03-13 23:59:59")
    assert resolution.next_reminder_kind == Clock.ReminderKind.DUE_TOMORROW


def test_escalating_to_12315_stops_platform_clocks_and_starts_the_acceptance_clock(
    policies, make_complaint, staff, consumer
):
    complaint = forward(make_complaint(images=0), staff, "2026-02-13 10:00")
    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        record_step(
            complaint,
            Route.REGULATOR,
            StepKind.FILED,
            on=dt.date(2026, 3, 4),
            actor=consumer,
            role=Actor.CONSUMER,
            reference="1234567",
        )
    assert set(complaint.clocks.values_list("kind", "state")) == {
        (ClockKind.FIRST_RESPONSE, Clock.State.STOPPED),
        (ClockKind.RESOLUTION, Clock.State.STOPPED),
        (ClockKind.ACCEPTANCE, Clock.State.RUNNING),
    }
    assert clock(complaint, ClockKind.ACCEPTANCE).due_at == at("2026-03-13 23:59:59")
    assert EscalationFiling.objects.get(complaint=complaint).reference == "1234567"


def test_recorded_acceptance_chains_the_45_working_day_mediation_clock(policies, make_complaint, staff, consumer):
    complaint = forward(make_complaint(images=0), staff, "2026-02-13 10:00")
    with time_machine.travel(at("2026-03-11 10:00"), tick=False):
        record_step(
            complaint, Route.REGULATOR, StepKind.FILED, on=dt.date(2026, 3, 2), actor=consumer, role=Actor.CONSUMER
        )
        record_step(
            complaint, Route.REGULATOR, StepKind.ACCEPTED, on=dt.date(2026, 3, 10), actor=consumer, role=Actor.CONSUMER
        )
    assert clock(complaint, ClockKind.ACCEPTANCE).state == Clock.State.MET
    assert clock(complaint, ClockKind.MEDIATION).due_at == at("2026-05-15 23:59:59")


def test_withdrawal_stops_every_clock(policies, make_complaint, staff, consumer):
    complaint = forward(make_complaint(images=0), staff, "2026-02-13 10:00")
    transition(complaint, Status.WITHDRAWN, actor=consumer, role=Actor.CONSUMER)
    assert set(complaint.clocks.values_list("state", flat=True)) == {Clock.State.STOPPED}
    complaint.refresh_from_db()
    assert complaint.next_deadline_at is None


def test_deadline_beyond_the_known_schedule_is_provisional_on_the_complaint(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0), staff, "2026-12-30 10:00")
    assert clock(complaint, ClockKind.FIRST_RESPONSE).provisional
    complaint.refresh_from_db()
    assert complaint.next_deadline_provisional is True


def test_load_deadline_policies_is_idempotent_and_every_policy_has_a_source(db):
    from django.core.management import call_command

    from escalation.models import DeadlinePolicy

    call_command("load_deadline_policies")
    call_command("load_deadline_policies")
    # Order 20's eight, and Order 121's three route figures (provisional, with the reason).
    assert DeadlinePolicy.objects.count() == 11
    order_121 = DeadlinePolicy.objects.filter(in_force_from=dt.date(2026, 4, 15))
    assert {p.kind for p in order_121} == {"acceptance", "mediation", "odr_negotiation"}
    assert all("第121号" in p.provisional_reason and "Order No. 121" in p.source for p in order_121)
    assert all(p.source.strip() for p in DeadlinePolicy.objects.all())
    association = DeadlinePolicy.objects.get(slug="association-reply")
    assert (association.due_after, association.runs) == (15, True)
    assert DeadlinePolicy.objects.get(slug="12315-odr-negotiation").due_after == 10
