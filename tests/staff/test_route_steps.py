"""Staff record a step on the escalation ladder for the consumer, and see the same panel."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status
from escalation.models import Clock, ClockKind, EscalationFiling

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-03-03 10:00")]


def act(client, complaint, name, **data):
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, name])
    return client.post(url, {f"{name}-{key}": value for key, value in data.items()})


@pytest.fixture
def answered(make_complaint, consumer, reviewer, client):
    """A complaint the platform answered (unsatisfactorily): the ladder is open."""
    from complaints.services import transition

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
