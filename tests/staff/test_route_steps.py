"""Staff record a step on the escalation ladder for the consumer, and see the same panel."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.timezone import now

from accounts.models import remember_language
from actions.routes import record_step
from actions.status import transition
from complaints.consents import record_consent
from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status
from core.parties import Party
from escalation.models import Clock, ClockKind, EscalationFiling, SolvedQuestion
from notifications.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-03-03 10:00")]


def act(client, complaint, name, **data):
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, name])
    return client.post(url, {f"{name}-{key}": value for key, value in data.items()})


@pytest.fixture
def answered(make_complaint, consumer, reviewer, client):
    """A complaint the platform answered (unsatisfactorily): the ladder is open."""

    call_command("load_deadline_policies", verbosity=0)
    complaint = make_complaint(consumer)
    transition(complaint, Status.IN_REVIEW, actor=reviewer, role=Actor.STAFF)
    transition(complaint, Status.FORWARDED, actor=reviewer, role=Actor.STAFF)
    transition(complaint, Status.PLATFORM_RESPONDED, actor=reviewer, role=Actor.STAFF)
    client.force_login(reviewer)
    return complaint


def test_staff_record_a_12315_letter_the_consumer_mailed_in(client, answered, reviewer):
    response = client.get(reverse("admin:complaints_complaint_change", args=[answered.pk]))
    assert 'id="ladder"' in response.content.decode()
    button = next(b for b in response.context["buttons"] if b["action"].name == "route_step")
    offered = dict(button["form"].fields["step"].choices)
    assert "12315:filed" in offered and "12315:accepted" not in offered  # accepted needs the filing first
    assert (
        act(client, answered, "route_step", step="12315:filed", on="2026-03-03", reference="3301-1").status_code == 302
    )
    # Forwarded today: no step may carry an earlier date (escalation.ladder.date_refusal).
    assert act(client, answered, "route_step", step="12315:accepted", on="2026-03-03").status_code == 302
    assert Complaint.objects.get(pk=answered.pk).status == Status.ESCALATED
    steps = list(
        EscalationFiling.objects.filter(complaint=answered).order_by("id").values_list("step", "recorded_role")
    )
    assert steps == [("filed", Actor.STAFF), ("accepted", Actor.STAFF)]
    mediation = Clock.objects.get(complaint=answered, kind=ClockKind.MEDIATION)
    assert mediation.state == Clock.State.RUNNING
    assert answered.events.filter(kind=TimelineEvent.Kind.ROUTE_STEP, actor=reviewer).count() == 1


def test_a_step_the_ladder_has_not_opened_is_refused_and_nothing_is_recorded(client, answered):
    response = act(client, answered, "route_step", step="12315:accepted", on="2026-03-02")
    assert response.status_code == 400
    assert not EscalationFiling.objects.exists()
    assert Complaint.objects.get(pk=answered.pk).status == Status.PLATFORM_RESPONDED


# --- The consumer is told what staff recorded for them --------------------------------


def step_emails(complaint):
    return list(OutboundEmail.objects.filter(complaint=complaint, template="route_step_recorded").order_by("id"))


def test_a_step_staff_record_emails_the_consumer_what_was_recorded_and_the_next_deadline(
    client, answered, consumer, django_capture_on_commit_callbacks
):
    remember_language(consumer, "en")
    mail.outbox.clear()
    earlier = set(OutboundEmail.objects.values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        act(client, answered, "route_step", step="12315:filed", on="2026-03-03", reference="3301-1")
    # One email for the step, none about the status it moved to (escalated): it says both.
    assert [e.template for e in OutboundEmail.objects.exclude(id__in=earlier)] == ["route_step_recorded"]
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert message.subject.endswith(f"Complaint {answered.reference}: we recorded a step for you")
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Filed on 12315 complaint to the market regulator on 2026-03-03, case number 3301-1" in part
        # 7 working days for 12315 to decide whether it accepts (SAMR Order 20, art. 14).
        assert "Next deadline: 2026-03-12 (12315 complaint to the market regulator, decision to accept)." in part
        assert f"{answered.get_absolute_url()}#ladder" in part
    assert answered.contact_phone not in message.body + html  # no contact details beyond the greeting

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, answered, "route_step", step="12315:accepted", on="2026-03-03")
    [message] = mail.outbox
    # Mediation: 45 working days after acceptance; Sat 2026-05-09 is a make-up working day.
    assert "12315 accepted the complaint on 2026-03-03" in message.body
    assert "Next deadline: 2026-05-09 (12315 complaint to the market regulator, mediation)." in message.body


def test_the_step_email_is_in_the_consumers_language(client, answered, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, answered, "route_step", step="court:filed", on="2026-03-03", reference="(2026)沪0105民初1号")
    [message] = mail.outbox
    assert message.subject.endswith(f"投诉 {answered.reference}：我们为您记录了一个步骤")
    assert "已于 2026-03-03 提交至法院，编号 (2026)沪0105民初1号" in message.body
    # A court filing stops the other bodies' clocks: no deadline runs.
    assert "此投诉目前没有正在计算的期限。" in message.body


def test_no_step_email_goes_to_an_address_nobody_verified(client, answered, consumer):
    EmailAddress.objects.filter(user=consumer).update(verified=False)
    assert act(client, answered, "route_step", step="12315:filed", on="2026-03-03").status_code == 302
    assert EscalationFiling.objects.filter(complaint=answered).count() == 1
    assert step_emails(answered) == []


def test_a_step_the_consumer_records_themself_sends_no_step_email(answered, consumer):
    record_consent(user=consumer, complaint=answered, recipient=Party.REGULATOR)
    record_step(answered, "12315", "filed", on=now().date(), actor=consumer, role=Actor.CONSUMER)
    assert step_emails(answered) == []


def test_an_outcome_staff_record_is_one_email_that_also_asks_whether_it_is_solved(
    client, answered, consumer, django_capture_on_commit_callbacks
):
    remember_language(consumer, "en")
    act(client, answered, "route_step", step="12315:filed", on="2026-03-03", reference="3301-1")
    act(client, answered, "route_step", step="12315:accepted", on="2026-03-03")
    earlier = set(OutboundEmail.objects.values_list("id", flat=True))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, answered, "route_step", step="12315:agreement", on="2026-03-03")
    assert [e.template for e in OutboundEmail.objects.exclude(id__in=earlier)] == ["route_step_recorded"]
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert f"Is the problem of your complaint {answered.reference} actually solved" in part
        assert f"{answered.get_absolute_url()}#solved" in part
    # The question stands on the page too, and is asked again later (escalation.solved).
    question = SolvedQuestion.objects.get(complaint=answered)
    assert (question.answered_at, question.ask_again_at is not None) == (None, True)


def test_a_step_that_is_not_an_outcome_does_not_ask_whether_it_is_solved(
    client, answered, consumer, django_capture_on_commit_callbacks
):
    remember_language(consumer, "en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, answered, "route_step", step="12315:filed", on="2026-03-03", reference="3301-1")
    [message] = mail.outbox
    assert "actually solved" not in message.body
    assert not SolvedQuestion.objects.filter(complaint=answered).exists()
