""" "Was it solved?" (escalation.solved): asked on resolution and on a route's outcome,
asked again four weeks later through the sweep, "not solved" reopens the ladder where
it stood, and the answers feed the per-platform statistics."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from actions.messages import answer_solved
from actions.reminders import sweep
from actions.routes import record_step
from actions.status import transition
from complaints.models import TimelineEvent
from complaints.states import Actor, Status
from escalation import ladder
from escalation.models import Route, SolvedQuestion, StepKind
from notifications.models import OutboundEmail
from tests.escalation.beijing import at

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db, pytest.mark.frozen_at("2026-02-09 09:00")]


def asked_emails(complaint):
    """Messages that ask "Was it solved?": the question by itself, or the resolution's
    own message, which asks it (issue 24 part 4: never before the news of it)."""
    asking = OutboundEmail.objects.filter(complaint=complaint, template="solved_question").count()
    with_resolution = OutboundEmail.objects.filter(
        complaint=complaint, template="status_changed", body_text__contains="#solved"
    ).count()
    return asking + with_resolution


@pytest.fixture
def answered(policies, make_complaint, staff):
    """Pinduoduo answered on 2026-02-10; the consumer may climb the ladder."""
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2026-02-09 10:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    with time_machine.travel(at("2026-02-10 10:00"), tick=False):
        transition(complaint, Status.PLATFORM_RESPONDED, actor=staff, role=Actor.STAFF)
    return complaint


def resolve(complaint, staff, when="2026-02-11 10:00"):
    with time_machine.travel(at(when), tick=False):
        transition(complaint, Status.RESOLVED, actor=staff, role=Actor.STAFF)


def test_resolving_asks_the_consumer_on_the_page_and_by_email(answered, staff, client, consumer):
    resolve(answered, staff)
    question = SolvedQuestion.objects.get(complaint=answered)
    assert (question.asked_at, question.ask_again_at) == (at("2026-02-11 10:00"), at("2026-03-11 10:00"))
    assert asked_emails(answered) == 1
    with time_machine.travel(at("2026-02-11 11:00"), tick=False):
        client.force_login(consumer)
        html = client.get(answered.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="solved"' in html and reverse("escalation:answer_solved", args=[answered.reference]) in html


def test_solved_is_kept_and_the_complaint_stays_resolved(answered, staff, client, consumer):
    resolve(answered, staff)
    with time_machine.travel(at("2026-02-12 10:00"), tick=False):
        client.force_login(consumer)
        client.post(reverse("escalation:answer_solved", args=[answered.reference]), {"solved": "yes"})
    question = SolvedQuestion.objects.get(complaint=answered)
    assert (question.solved, question.answered_at, question.ask_again_at) == (True, at("2026-02-12 10:00"), None)
    answered.refresh_from_db()
    assert answered.status == Status.RESOLVED
    # Written in the consumer's language (Chinese, the site's default).
    assert answered.events.filter(kind=TimelineEvent.Kind.ROUTE_STEP, text="我确认问题已经解决。").exists()


def test_not_solved_reopens_a_complaint_that_never_left_the_platform_with_its_routes_open(answered, staff, consumer):
    resolve(answered, staff)
    with time_machine.travel(at("2026-02-12 10:00"), tick=False):
        assert ladder.refusal(answered, Route.REGULATOR, StepKind.FILED) != ""
        answer_solved(answered, solved=False, actor=consumer)
        answered.refresh_from_db()
        assert answered.status == Status.PLATFORM_RESPONDED
        assert ladder.refusal(answered, Route.REGULATOR, StepKind.FILED) == ""
    assert SolvedQuestion.objects.get(complaint=answered).solved is False


def test_not_solved_reopens_the_ladder_where_it_stood(answered, staff, consumer):
    with time_machine.travel(at("2026-02-13 18:00"), tick=False):
        record_step(
            answered,
            Route.REGULATOR,
            StepKind.FILED,
            on=at("2026-02-13 00:00").date(),
            actor=consumer,
            role=Actor.CONSUMER,
        )
    resolve(answered, staff, "2026-02-26 10:00")
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        answer_solved(answered, solved=False, actor=consumer)
        answered.refresh_from_db()
        assert answered.status == Status.ESCALATED
        # 12315 was filed and had not decided: its decision is the next step again.
        assert ladder.refusal(answered, Route.REGULATOR, StepKind.ACCEPTED) == ""
        assert ladder.refusal(answered, Route.REGULATOR, StepKind.FILED) == "Already recorded."


def test_a_route_outcome_asks_too(answered, consumer):
    with time_machine.travel(at("2026-02-13 18:00"), tick=False):
        for step, on in ((StepKind.FILED, "2026-02-13"), (StepKind.AGREEMENT, "2026-02-13")):
            record_step(
                answered, Route.ASSOCIATION, step, on=dt.date.fromisoformat(on), actor=consumer, role=Actor.CONSUMER
            )
    assert SolvedQuestion.objects.get(complaint=answered).answered_at is None
    assert asked_emails(answered) == 1


def test_an_unanswered_question_is_asked_again_once_four_weeks_later_by_the_sweep(answered, staff):
    resolve(answered, staff)
    with time_machine.travel(at("2026-03-11 09:59"), tick=False):
        assert sweep()["asked_again"] == 0
    with time_machine.travel(at("2026-03-11 10:00"), tick=False):
        assert sweep()["asked_again"] == 1
        assert sweep()["asked_again"] == 0
    assert asked_emails(answered) == 2


def test_an_answered_question_is_not_asked_again(answered, staff, consumer):
    resolve(answered, staff)
    with time_machine.travel(at("2026-02-12 10:00"), tick=False):
        answer_solved(answered, solved=True, actor=consumer)
    with time_machine.travel(at("2026-04-01 10:00"), tick=False):
        assert sweep()["asked_again"] == 0
    assert asked_emails(answered) == 1


def test_only_the_owner_answers(answered, staff, client, django_user_model):
    resolve(answered, staff)
    stranger = django_user_model.objects.create_user("stranger", "s@example.com", "pw-stranger-123")
    client.force_login(stranger)
    response = client.post(reverse("escalation:answer_solved", args=[answered.reference]), {"solved": "no"})
    assert response.status_code == 404
    assert SolvedQuestion.objects.get(complaint=answered).answered_at is None


def test_the_answers_feed_the_per_platform_confirmed_solved_share(policies, make_complaint, staff, consumer):
    from staff.stats import platform_stats

    complaints = []
    for answer in (True, True, False):
        complaint = make_complaint(images=0)
        with time_machine.travel(at("2026-02-09 10:00"), tick=False):
            transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
            transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
            transition(complaint, Status.RESOLVED, actor=staff, role=Actor.STAFF)
            answer_solved(complaint, solved=answer, actor=consumer)
        complaints.append(complaint)
    unanswered = make_complaint(images=0)
    with time_machine.travel(at("2026-02-09 10:00"), tick=False):
        transition(unanswered, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(unanswered, Status.FORWARDED, actor=staff, role=Actor.STAFF)
        transition(unanswered, Status.RESOLVED, actor=staff, role=Actor.STAFF)
        rows = {row.platform.slug: row for row in platform_stats(at("2026-02-09 11:00"), public=True)}
    pinduoduo = rows["pinduoduo"]
    assert (pinduoduo.solved_answers, pinduoduo.confirmed_solved) == (3, 2)
    assert pinduoduo.solved_share == pytest.approx(2 / 3)
    assert rows["taobao"].solved_share is None
