"""The escalation ladder (escalation.ladder): every route's start, met, overdue and
outcome paths in Chinese working days across the 2025 National Day and the 2026 Spring
Festival make-up days, and the rule that refuses a route while it is not open."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import remember_language
from actions.reminders import claim_due_reminders
from actions.routes import record_step
from actions.status import transition
from complaints.consents import record_consent
from complaints.models import TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from escalation import ladder
from escalation.models import Clock, ClockKind, EscalationFiling, Route, StepKind
from tests.escalation.beijing import at, day
from tests.escalation.sending import send_reminders

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db, pytest.mark.frozen_at("2025-09-26 09:00")]


def forward(complaint, staff, when):
    with time_machine.travel(at(when), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        return transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)


def record(complaint, route, step, on, when, consumer, **extra):
    with time_machine.travel(at(when), tick=False):
        return record_step(complaint, route, step, on=day(on), actor=consumer, role=Actor.CONSUMER, **extra)


def clock(complaint, kind):
    return Clock.objects.get(complaint=complaint, kind=kind)


def sweep_and_send(when: str) -> list[str]:
    with time_machine.travel(at(when), tick=False):
        return send_reminders(claim_due_reminders())


@pytest.fixture
def national_day(policies, make_complaint, staff, consumer):
    """Pinduoduo, forwarded Fri 2025-09-26: first response due Tue 09-30 (Sun 09-28 is a
    make-up working day); overdue from 1 October."""
    remember_language(consumer, "en")
    complaint = forward(make_complaint(images=0), staff, "2025-09-26 10:00")
    assert clock(complaint, ClockKind.FIRST_RESPONSE).due_at == at("2025-09-30 23:59:59")
    mail.outbox.clear()
    return complaint


@pytest.fixture
def spring_festival(policies, make_complaint, staff, consumer):
    """Pinduoduo, forwarded Mon 2026-02-09: first response due Thu 02-12, overdue from 02-13."""
    remember_language(consumer, "en")
    complaint = forward(make_complaint(images=0), staff, "2026-02-09 10:00")
    assert clock(complaint, ClockKind.FIRST_RESPONSE).due_at == at("2026-02-12 23:59:59")
    mail.outbox.clear()
    return complaint


# --- ODR ("green channel") --------------------------------------------------------


def test_odr_filing_escalates_stops_the_platform_and_runs_10_working_days_across_national_day(national_day, consumer):
    record(national_day, Route.ODR, StepKind.FILED, "2025-09-30", "2025-10-02 10:00", consumer, reference="ODR-1")
    national_day.refresh_from_db()
    assert national_day.status == Status.ESCALATED
    # Oct 1-8 off, Sat Oct 11 a make-up working day: the 10th working day after 09-30 is 10-21.
    odr = clock(national_day, ClockKind.ODR)
    assert (odr.state, odr.due_at) == (Clock.State.RUNNING, at("2025-10-21 23:59:59"))
    assert set(
        national_day.clocks.filter(kind__in=["first_response", "resolution"]).values_list("state", flat=True)
    ) == {Clock.State.STOPPED}
    assert national_day.next_deadline_at == at("2025-10-21 23:59:59")
    event = national_day.events.get(to_status=Status.ESCALATED)
    assert "ODR-1" in event.text and event.actor == consumer


def test_odr_ending_without_agreement_meets_its_clock_and_opens_the_regular_12315_complaint(national_day, consumer):
    record(national_day, Route.ODR, StepKind.FILED, "2025-09-30", "2025-10-02 10:00", consumer)
    with time_machine.travel(at("2025-10-15 10:00"), tick=False):
        assert ladder.refusal(national_day, Route.REGULATOR, StepKind.FILED) == (
            "Opens on 2025-10-22 when the ODR negotiation period ends, or as soon as you record that it failed."
        )
    record(national_day, Route.ODR, StepKind.NO_AGREEMENT, "2025-10-15", "2025-10-15 11:00", consumer)
    odr = clock(national_day, ClockKind.ODR)
    # Met at midday of the day recorded (the day counts, not the minute typed).
    assert (odr.state, odr.met_at) == (Clock.State.MET, at("2025-10-15 11:59:59"))
    assert national_day.events.filter(kind=TimelineEvent.Kind.ROUTE_STEP).count() == 1
    with time_machine.travel(at("2025-10-15 11:01"), tick=False):
        assert ladder.refusal(national_day, Route.REGULATOR, StepKind.FILED) == ""


def test_overdue_odr_reminds_with_the_next_step_and_opens_the_regular_complaint(national_day, consumer):
    record(national_day, Route.ODR, StepKind.FILED, "2025-09-30", "2025-10-02 10:00", consumer)
    assert sweep_and_send("2025-10-20 09:01") == ["sent"]  # due tomorrow
    mail.outbox.clear()
    assert sweep_and_send("2025-10-22 00:00:01") == ["sent"]
    [message] = mail.outbox
    assert "The ODR negotiation period is over" in message.body
    packet_url = reverse("escalation:packet_start", args=[national_day.reference])
    assert packet_url in message.body
    with time_machine.travel(at("2025-10-22 09:00"), tick=False):
        assert ladder.refusal(national_day, Route.REGULATOR, StepKind.FILED) == ""


# --- 12315 complaint ----------------------------------------------------------------


def test_12315_acceptance_is_due_7_working_days_after_filing_across_the_spring_festival(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer, reference="A1")
    # Feb 15-23 off, Sat Feb 14 and Sat Feb 28 make-up working days: due Mon 03-02.
    assert clock(spring_festival, ClockKind.ACCEPTANCE).due_at == at("2026-03-02 23:59:59")
    filing = EscalationFiling.objects.get(complaint=spring_festival)
    assert (filing.route, filing.step, filing.body, filing.reference) == ("12315", "filed", Party.REGULATOR, "A1")


def test_12315_acceptance_meets_the_clock_and_starts_45_working_days_of_mediation(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    record(spring_festival, Route.REGULATOR, StepKind.ACCEPTED, "2026-03-02", "2026-03-03 09:00", consumer)
    assert clock(spring_festival, ClockKind.ACCEPTANCE).state == Clock.State.MET
    mediation = clock(spring_festival, ClockKind.MEDIATION)
    assert (mediation.state, mediation.due_at) == (Clock.State.RUNNING, at("2026-05-08 23:59:59"))
    record(spring_festival, Route.REGULATOR, StepKind.NO_AGREEMENT, "2026-05-08", "2026-05-09 09:00", consumer)
    mediation.refresh_from_db()
    assert mediation.state == Clock.State.MET
    spring_festival.refresh_from_db()
    assert spring_festival.next_deadline_at is None
    # Mediation over: the association and the court are open, 12315 has ended.
    with time_machine.travel(at("2026-05-09 09:01"), tick=False):
        assert ladder.refusal(spring_festival, Route.ASSOCIATION, StepKind.FILED) == ""
        assert ladder.refusal(spring_festival, Route.REGULATOR, StepKind.AGREEMENT) == "This route has already ended."


def test_12315_not_accepting_records_the_reason_and_opens_the_association(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    with time_machine.travel(at("2026-02-26 10:00"), tick=False):
        assert ladder.refusal(spring_festival, Route.ASSOCIATION, StepKind.FILED) == (
            "12315 handles it now: this opens when 12315 does not accept it or its mediation ends."
        )
    record(
        spring_festival,
        Route.REGULATOR,
        StepKind.NOT_ACCEPTED,
        "2026-02-26",
        "2026-02-26 10:00",
        consumer,
        reason="超过三年",
    )
    assert clock(spring_festival, ClockKind.ACCEPTANCE).state == Clock.State.MET
    assert not Clock.objects.filter(complaint=spring_festival, kind=ClockKind.MEDIATION).exists()
    assert "超过三年" in spring_festival.events.get(kind=TimelineEvent.Kind.ROUTE_STEP).text
    with time_machine.travel(at("2026-02-26 10:01"), tick=False):
        assert ladder.refusal(spring_festival, Route.ASSOCIATION, StepKind.FILED) == ""
        assert ladder.refusal(spring_festival, Route.REGULATOR, StepKind.ACCEPTED) == "This route has already ended."


def test_overdue_12315_acceptance_reminds_with_the_next_step(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    assert sweep_and_send("2026-03-01 09:01") == ["sent"]  # due tomorrow, Mon 03-02
    mail.outbox.clear()
    assert sweep_and_send("2026-03-03 00:00:01") == ["sent"]
    [message] = mail.outbox
    assert "12315 has not told you whether it accepts your complaint" in message.body
    assert "2026-03-02" in message.body


def test_mediation_agreement_is_an_outcome_that_needs_the_acceptance_first(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    with pytest.raises(ladder.RouteClosed, match="Record that 12315 accepted the complaint first."):
        record(spring_festival, Route.REGULATOR, StepKind.AGREEMENT, "2026-02-26", "2026-02-26 10:00", consumer)
    record(spring_festival, Route.REGULATOR, StepKind.ACCEPTED, "2026-02-26", "2026-02-26 10:00", consumer)
    record(spring_festival, Route.REGULATOR, StepKind.AGREEMENT, "2026-03-10", "2026-03-10 10:00", consumer)
    assert clock(spring_festival, ClockKind.MEDIATION).met_at == at("2026-03-10 11:59:59")
    assert list(spring_festival.escalations.order_by("id").values_list("step", flat=True)) == [
        "filed",
        "accepted",
        "agreement",
    ]


# --- Consumer association and court ---------------------------------------------------


def test_association_check_in_is_15_working_days_and_its_outcome_meets_it(national_day, consumer):
    record(national_day, Route.ASSOCIATION, StepKind.FILED, "2025-09-30", "2025-10-02 10:00", consumer)
    check_in = clock(national_day, ClockKind.ASSOCIATION)
    assert check_in.due_at == at("2025-10-28 23:59:59")
    # SAMR Order 20 art. 15: 12315 does not take a dispute an association handled.
    with time_machine.travel(at("2025-10-02 10:01"), tick=False):
        assert "art. 15" in ladder.refusal(national_day, Route.REGULATOR, StepKind.FILED)
    assert sweep_and_send("2025-10-27 09:01") == ["sent"]  # due tomorrow
    assert sweep_and_send("2025-10-29 00:00:01") == ["sent"]
    assert "Check in with the consumer association" in mail.outbox[-1].body
    record(national_day, Route.ASSOCIATION, StepKind.AGREEMENT, "2025-10-30", "2025-10-30 10:00", consumer)
    check_in.refresh_from_db()
    assert check_in.state == Clock.State.MET


def test_filing_in_court_stops_the_bodies_clocks_and_closes_the_other_routes(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    record(
        spring_festival,
        Route.COURT,
        StepKind.FILED,
        "2026-02-24",
        "2026-02-24 10:00",
        consumer,
        reference="(2026)浙0192民初1号",
    )
    assert clock(spring_festival, ClockKind.ACCEPTANCE).state == Clock.State.STOPPED
    spring_festival.refresh_from_db()
    assert spring_festival.next_deadline_at is None
    with time_machine.travel(at("2026-02-24 10:01"), tick=False):
        assert ladder.refusal(spring_festival, Route.ASSOCIATION, StepKind.FILED) == "A court handles this dispute now."
        assert ladder.refusal(spring_festival, Route.COURT, StepKind.FILED) == "Already recorded."


# --- The rule refuses each route while it is not open ------------------------------------


@pytest.mark.parametrize("route", [Route.ODR, Route.REGULATOR, Route.ASSOCIATION, Route.COURT])
def test_every_route_is_refused_while_the_platform_still_has_time(national_day, consumer, route):
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        expected = "Opens on 2025-10-01 if the platform has not answered by then, or as soon as it answers."
        assert ladder.refusal(national_day, route, StepKind.FILED) == expected
        with pytest.raises(ladder.RouteClosed, match=expected):
            record_step(national_day, route, StepKind.FILED, on=day("2025-09-29"), actor=consumer, role=Actor.CONSUMER)
    national_day.refresh_from_db()
    assert national_day.status == Status.FORWARDED
    assert not EscalationFiling.objects.exists()
    assert clock(national_day, ClockKind.FIRST_RESPONSE).state == Clock.State.RUNNING


def test_a_staff_move_to_escalated_before_any_route_opens_is_refused_and_rolled_back(national_day, staff):
    with time_machine.travel(at("2025-09-29 10:00"), tick=False), pytest.raises(ladder.RouteClosed):
        transition(national_day, Status.ESCALATED, actor=staff, role=Actor.STAFF)
    national_day.refresh_from_db()
    assert national_day.status == Status.FORWARDED
    assert not national_day.events.filter(to_status=Status.ESCALATED).exists()


@pytest.mark.parametrize(
    "route, step",
    [
        (Route.REGULATOR, StepKind.ACCEPTED),
        (Route.REGULATOR, StepKind.NOT_ACCEPTED),
        (Route.ODR, StepKind.AGREEMENT),
        (Route.ASSOCIATION, StepKind.NO_AGREEMENT),
    ],
)
def test_an_outcome_is_refused_before_its_route_was_filed(national_day, consumer, route, step):
    with time_machine.travel(at("2025-10-02 10:00"), tick=False):
        assert ladder.refusal(national_day, route, step) == "Record the filing first."


def test_a_closed_complaint_opens_no_route(national_day, consumer):
    with time_machine.travel(at("2025-10-02 10:00"), tick=False):
        transition(national_day, Status.WITHDRAWN, actor=consumer, role=Actor.CONSUMER)
        for route in ladder.ESCALATION_ROUTES:
            assert ladder.refusal(national_day, route, StepKind.FILED) == (
                "This complaint is closed: nothing more can be filed for it."
            )


# --- The consumer's form and the panel -------------------------------------------------


def test_the_12315_form_records_an_odr_filing_after_the_consent(national_day, consumer, client):
    client.force_login(consumer)
    url = reverse("escalation:record_step", args=[national_day.reference, "12315", "filed"])
    data = {"route": "12315_odr", "on": "2025-10-02", "reference": "ODR-77"}
    with time_machine.travel(at("2025-10-02 10:00"), tick=False):
        response = client.post(url, data)
        assert response["Location"] == reverse("escalation:packet_start", args=[national_day.reference])
        assert not EscalationFiling.objects.exists()
        record_consent(user=consumer, complaint=national_day, recipient=Party.REGULATOR)
        response = client.post(url, data)
    assert response.status_code == 302
    filing = EscalationFiling.objects.get(complaint=national_day)
    assert (filing.route, filing.reference, filing.filed_on) == ("12315_odr", "ODR-77", day("2025-10-02"))


def test_a_future_date_is_refused_next_to_the_field_and_kept(national_day, consumer, client):
    client.force_login(consumer)
    record_consent(user=consumer, complaint=national_day, recipient=Party.REGULATOR)
    url = reverse("escalation:record_step", args=[national_day.reference, "12315", "filed"])
    with time_machine.travel(at("2025-10-02 10:00"), tick=False):
        response = client.post(
            url, {"route": "12315", "on": "2025-10-09", "reference": "K-9"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {"on": ["This date is in the future."]}
    assert 'value="K-9"' in response.content.decode()
    assert not EscalationFiling.objects.exists()


def test_the_panel_shows_each_route_its_deadline_and_why_the_others_are_closed(national_day, consumer, client):
    record(national_day, Route.ODR, StepKind.FILED, "2025-09-30", "2025-10-02 10:00", consumer)
    with time_machine.travel(at("2025-10-13 10:00"), tick=False):
        client.force_login(consumer)
        html = client.get(national_day.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        rows = {row.route: row for row in ladder.route_states(national_day)}
    assert 'id="ladder"' in html
    assert "Next deadline: the end of Tue 21 Oct, 6 working days left" in html
    assert rows[Route.ODR].working_days_left == 6
    assert rows[Route.REGULATOR].open is False
    assert "Opens on 2025-10-22" in html
    assert rows[Route.COURT].open is True
    assert reverse("escalation:record_step", args=[national_day.reference, "court", "filed"]) in html
    assert reverse("escalation:record_step", args=[national_day.reference, "12315_odr", "no_agreement"]) in html


def test_the_reasons_are_in_chinese_for_a_chinese_reader(national_day):
    with translation.override("zh-hans"), time_machine.travel(at("2025-09-29 10:00"), tick=False):
        assert ladder.refusal(national_day, Route.COURT, StepKind.FILED) == (
            "如平台届时仍未答复，将于 2025-10-01 开放；平台一旦答复即开放。"
        )


# --- Reminders of the route clocks: repeat, mute, and a link that opens ----------------


def test_an_overdue_route_clock_repeats_every_three_working_days(spring_festival, consumer):
    record(spring_festival, Route.REGULATOR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    sweep_and_send("2026-03-01 09:01")  # due tomorrow
    sweep_and_send("2026-03-03 00:00:01")  # overdue, sent Tue 03-03
    acceptance = clock(spring_festival, ClockKind.ACCEPTANCE)
    assert (acceptance.next_reminder_kind, acceptance.next_reminder_at) == ("still_overdue", at("2026-03-06 09:00"))
    mail.outbox.clear()
    assert sweep_and_send("2026-03-06 09:01") == ["sent"]
    assert "still overdue" in mail.outbox[0].subject


def test_a_muted_complaint_gets_no_route_clock_reminder(spring_festival, consumer):
    from escalation.models import ReminderMute

    record(spring_festival, Route.ODR, StepKind.FILED, "2026-02-13", "2026-02-13 18:00", consumer)
    ReminderMute.objects.create(complaint=spring_festival)
    assert sweep_and_send("2026-03-05 09:01") == ["skipped"]
    assert mail.outbox == []


@pytest.mark.parametrize("route", [Route.ODR, Route.REGULATOR, Route.ASSOCIATION])
def test_every_overdue_reminder_links_to_a_page_that_opens(national_day, consumer, client, route):
    """The platform's overdue reminder, then the route clock's: each link opens for the owner."""
    sweep_and_send("2025-10-01 00:00:01")  # the platform's late "due tomorrow"
    sweep_and_send("2025-10-01 00:00:02")  # the platform's "overdue"
    record(national_day, route, StepKind.FILED, "2025-10-02", "2025-10-02 10:00", consumer)
    for moment in ("2025-11-30 09:00", "2025-12-01 00:00:01"):
        sweep_and_send(moment)  # the route clock's "due tomorrow", then "overdue"
    overdue = [m for m in mail.outbox if "missed its deadline" in m.subject]
    assert len(overdue) == 2, [m.subject for m in mail.outbox]
    links = {
        link
        for message in overdue
        for link in re.findall(r"http://127\.0\.0\.1:8000(/escalation/[^\s]+)", message.body)
        if "/mute/" not in link
    }
    assert links == {reverse("escalation:packet_start", args=[national_day.reference])}
    with time_machine.travel(at("2025-12-01 09:05"), tick=False):
        client.force_login(consumer)
        assert client.get(links.pop()).status_code == 200


# --- The packet's rule, asked by the packet pages and the paperwork alike ------------------


def test_the_packet_opens_when_the_ladder_opens_and_each_body_needs_its_consent(national_day, consumer):
    assert ladder.packet_refusal(national_day) == (
        "The escalation packet is ready once a deadline is missed or the platform has answered."
    )
    with time_machine.travel(at("2025-10-01 00:00:01"), tick=False):  # the platform's first response is overdue
        assert ladder.packet_refusal(national_day) == ""
        assert ladder.consent_refusal(national_day, Party.REGULATOR) == (
            "Please agree to share your complaint with this body first."
        )
        assert ladder.consent_refusal(national_day, Party.COURT) == ""  # the court draft goes to nobody
        record_consent(user=consumer, complaint=national_day, recipient=Party.REGULATOR)
        assert ladder.consent_refusal(national_day, Party.REGULATOR) == ""
        assert ladder.consent_refusal(national_day, Party.ASSOCIATION) != ""
