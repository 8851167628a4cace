"""Step dates checked against each other (escalation.ladder.date_refusal): no step on
the ladder is dated before the step it follows, and no filing before the day the
complaint reached the platform. The refusal names the earlier date, stores nothing, and
the consumer's form and the staff action show it next to the date field, keeping what
was typed."""

import pytest
import time_machine
from django.urls import reverse

from actions.routes import record_step
from actions.status import PlatformReached, transition
from complaints.consents import record_consent
from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from escalation import ladder
from escalation.models import Clock, ClockKind, EscalationFiling, Route, StepKind
from tests.escalation.beijing import at, day

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db, pytest.mark.frozen_at("2025-09-26 09:00")]


def record(complaint, route, step, on, consumer, when="2025-10-20 10:00", **extra):
    with time_machine.travel(at(when), tick=False):
        return record_step(complaint, route, step, on=day(on), actor=consumer, role=Actor.CONSUMER, **extra)


def refused(complaint, route, step, on, consumer) -> str:
    """Try to record the step; return the reason it was refused."""
    with pytest.raises(ladder.StepDateRefused) as info:
        record(complaint, route, step, on, consumer)
    return info.value.reason


@pytest.fixture
def forwarded(policies, make_complaint, staff):
    """Pinduoduo, forwarded by staff on Fri 2025-09-26; the platform missed its first
    response (due 09-30), so every route opens on 1 October."""
    complaint = make_complaint()
    with time_machine.travel(at("2025-09-26 10:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    return complaint


def snapshot(complaint) -> tuple:
    """What a refused step must leave untouched."""
    complaint = Complaint.objects.get(pk=complaint.pk)
    return (
        complaint.status,
        complaint.next_deadline_at,
        list(EscalationFiling.objects.filter(complaint=complaint).values_list("route", "step", "filed_on")),
        list(Clock.objects.filter(complaint=complaint).values_list("kind", "state", "due_at", "met_at")),
        complaint.events.count(),
    )


# --- The first step of every route follows the platform ------------------------------


@pytest.mark.parametrize("route", [Route.ODR, Route.REGULATOR, Route.ASSOCIATION, Route.COURT])
def test_no_route_is_filed_before_the_complaint_reached_the_platform(forwarded, consumer, route):
    before = snapshot(forwarded)
    assert refused(forwarded, route, StepKind.FILED, "2025-09-25", consumer) == (
        "This date is before the day the complaint reached the platform (2025-09-26)."
    )
    assert snapshot(forwarded) == before
    # The day it reached the platform itself is fine.
    record(forwarded, route, StepKind.FILED, "2025-09-26", consumer)
    assert EscalationFiling.objects.get(complaint=forwarded).filed_on == day("2025-09-26")


def test_the_platform_date_is_the_consumers_own_complaint_when_that_came_first(policies, make_complaint, consumer):
    complaint = make_complaint()
    with time_machine.travel(at("2025-09-26 09:00"), tick=False):
        transition(
            complaint,
            Status.FORWARDED,
            actor=consumer,
            role=Actor.CONSUMER,
            reached=PlatformReached("app", at=at("2025-09-22 18:00"), ticket="PDD-1"),
        )
    assert ladder.platform_reached_on(complaint) == day("2025-09-22")
    assert refused(complaint, Route.REGULATOR, StepKind.FILED, "2025-09-21", consumer) == (
        "This date is before the day the complaint reached the platform (2025-09-22)."
    )
    record(complaint, Route.REGULATOR, StepKind.FILED, "2025-09-22", consumer)


# --- Each step follows its route's previous step ---------------------------------------


@pytest.mark.parametrize("decision", [StepKind.ACCEPTED, StepKind.NOT_ACCEPTED])
def test_12315s_decision_is_not_dated_before_the_12315_filing(forwarded, consumer, decision):
    record(forwarded, Route.REGULATOR, StepKind.FILED, "2025-10-09", consumer)
    before = snapshot(forwarded)
    extra = {"reason": "not our remit"} if decision == StepKind.NOT_ACCEPTED else {}
    with pytest.raises(ladder.StepDateRefused) as info:
        record(forwarded, Route.REGULATOR, decision, "2025-10-08", consumer, **extra)
    assert info.value.reason == "This date is before the filing you recorded on this route (2025-10-09)."
    # Nothing stored: no step, no timeline event, the acceptance clock still runs.
    assert snapshot(forwarded) == before
    assert Clock.objects.get(complaint=forwarded, kind=ClockKind.ACCEPTANCE).state == Clock.State.RUNNING
    record(forwarded, Route.REGULATOR, decision, "2025-10-09", consumer, **extra)  # the same day is fine


@pytest.mark.parametrize("outcome", [StepKind.AGREEMENT, StepKind.NO_AGREEMENT])
def test_the_end_of_mediation_is_not_dated_before_the_acceptance(forwarded, consumer, outcome):
    record(forwarded, Route.REGULATOR, StepKind.FILED, "2025-10-09", consumer)
    record(forwarded, Route.REGULATOR, StepKind.ACCEPTED, "2025-10-15", consumer)
    before = snapshot(forwarded)
    # After the filing but before the acceptance: still refused.
    assert refused(forwarded, Route.REGULATOR, outcome, "2025-10-14", consumer) == (
        "This date is before the day 12315 accepted the complaint (2025-10-15)."
    )
    assert snapshot(forwarded) == before
    assert Clock.objects.get(complaint=forwarded, kind=ClockKind.MEDIATION).state == Clock.State.RUNNING
    record(forwarded, Route.REGULATOR, outcome, "2025-10-15", consumer)


@pytest.mark.parametrize("outcome", [StepKind.AGREEMENT, StepKind.NO_AGREEMENT])
def test_an_odr_outcome_is_not_dated_before_the_odr_filing(forwarded, consumer, outcome):
    record(forwarded, Route.ODR, StepKind.FILED, "2025-10-09", consumer)
    before = snapshot(forwarded)
    assert refused(forwarded, Route.ODR, outcome, "2025-09-30", consumer) == (
        "This date is before the filing you recorded on this route (2025-10-09)."
    )
    assert snapshot(forwarded) == before
    assert Clock.objects.get(complaint=forwarded, kind=ClockKind.ODR).state == Clock.State.RUNNING


def test_a_consumer_association_outcome_is_not_dated_before_going_there(forwarded, consumer):
    record(forwarded, Route.ASSOCIATION, StepKind.FILED, "2025-10-09", consumer)
    before = snapshot(forwarded)
    assert refused(forwarded, Route.ASSOCIATION, StepKind.NO_AGREEMENT, "2025-10-01", consumer) == (
        "This date is before the filing you recorded on this route (2025-10-09)."
    )
    assert snapshot(forwarded) == before


# --- Where the reason shows ---------------------------------------------------------


def test_the_consumers_form_shows_the_reason_next_to_the_date_and_keeps_the_input(forwarded, consumer, client):
    record(forwarded, Route.REGULATOR, StepKind.FILED, "2025-10-09", consumer)
    before = snapshot(forwarded)
    url = reverse("escalation:record_step", args=[forwarded.reference, "12315", "not_accepted"])
    with time_machine.travel(at("2025-10-20 10:00"), tick=False):
        client.force_login(consumer)
        response = client.post(
            url, {"route": "12315", "on": "2025-10-03", "reason": "超过三年"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "on": ["This date is before the filing you recorded on this route (2025-10-09)."]
    }
    html = response.content.decode()
    assert 'value="2025-10-03"' in html and 'value="超过三年"' in html
    assert snapshot(forwarded) == before


def test_the_reason_reads_in_chinese_for_a_chinese_consumer(forwarded, consumer, client):
    record(forwarded, Route.REGULATOR, StepKind.FILED, "2025-10-09", consumer)
    url = reverse("escalation:record_step", args=[forwarded.reference, "12315", "accepted"])
    with time_machine.travel(at("2025-10-20 10:00"), tick=False):
        client.force_login(consumer)
        response = client.post(url, {"route": "12315", "on": "2025-10-08"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["form"].errors == {"on": ["该日期早于您在此途径记录的提交日期（2025-10-09）。"]}


def test_the_staff_action_shows_the_reason_next_to_the_date_and_keeps_the_input(forwarded, consumer, staff, client):
    record(forwarded, Route.REGULATOR, StepKind.FILED, "2025-10-09", consumer)
    before = snapshot(forwarded)
    url = reverse("admin:complaints_complaint_act", args=[forwarded.pk, "route_step"])
    with time_machine.travel(at("2025-10-20 10:00"), tick=False):
        client.force_login(staff)
        response = client.post(
            url, {"route_step-step": "12315:accepted", "route_step-on": "2025-10-08"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    button = next(b for b in response.context["buttons"] if b["action"].name == "route_step")
    assert button["form"].errors == {"on": ["This date is before the filing you recorded on this route (2025-10-09)."]}
    assert 'value="2025-10-08"' in response.content.decode()
    assert snapshot(forwarded) == before
    assert not forwarded.events.filter(kind=TimelineEvent.Kind.ROUTE_STEP).exists()


def test_consent_is_still_asked_before_a_correctly_dated_filing(forwarded, consumer, client):
    """The date check does not stand in front of the consent (PIPL art. 23)."""
    client.force_login(consumer)
    url = reverse("escalation:record_step", args=[forwarded.reference, "12315", "filed"])
    with time_machine.travel(at("2025-10-02 10:00"), tick=False):
        response = client.post(url, {"route": "12315", "on": "2025-10-02", "reference": "K-1"})
        assert response["Location"] == reverse("escalation:packet_start", args=[forwarded.reference])
        record_consent(user=consumer, complaint=forwarded, recipient=Party.REGULATOR)
        assert client.post(url, {"route": "12315", "on": "2025-10-02", "reference": "K-1"}).status_code == 302
