"""The complaint page leads with what matters (issue 24 part 3): who is on the clock and
until when in words, how far past it is, the one next action, the staff's question with
its answer box; and the route panel says nothing wrong ("还剩 -7 个工作日", an empty
platform heading, a route "not open yet" that can never open)."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from actions.routes import record_step
from actions.status import transition
from complaints.states import Actor, Status
from escalation import ladder, standing
from escalation.models import Clock, ClockKind, Route, StepKind
from tests.escalation.beijing import at, day

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2025-09-26 09:00")]


def forward(complaint, staff, when):
    with time_machine.travel(at(when), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        return transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)


@pytest.fixture
def forwarded(policies, make_complaint, staff):
    """Pinduoduo, forwarded Fri 2025-09-26: first response due Tue 09-30 (Sun 09-28 is a
    make-up working day); 1-8 October are the National Day holidays."""
    return forward(make_complaint(images=0), staff, "2025-09-26 10:00")


def page(client, complaint, language="zh-hans"):
    client.force_login(complaint.owner)
    return client.get(complaint.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_page_opens_with_who_must_answer_by_the_end_of_which_day(forwarded, client):
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        html = page(client, forwarded)
        with translation.override("zh-hans"):
            now = standing.standing(forwarded)
    assert now.sentence == "拼多多须在9月30日（周二）当天结束前答复"
    assert now.overdue == ""
    # It comes before the details the consumer typed.
    assert html.index("拼多多须在9月30日（周二）当天结束前答复") < html.index("您的投诉</h2>")
    assert now.next_action.key == "record_answer"
    assert reverse("escalation:platform_answered", args=[forwarded.reference]) in html


def test_an_overdue_platform_reads_in_working_days_and_the_next_action_is_to_escalate(forwarded, client):
    # Due Tue 30 Sep; working days since: Thu 9, Fri 10, Sat 11 (make-up) and Mon 13 Oct.
    with time_machine.travel(at("2025-10-13 10:00"), tick=False):
        html = page(client, forwarded)
        with translation.override("zh-hans"):
            now = standing.standing(forwarded)
            rows = {row.route: row for row in ladder.route_states(forwarded)}
    assert now.overdue == "已逾期 4 个工作日"
    assert now.next_action.key == "escalate"
    assert html.index("已逾期 4 个工作日") < html.index("您的投诉</h2>")
    assert rows[Route.PLATFORM].working_days_left is None
    assert "还剩 -" not in html and "还剩" not in html[html.index('data-route="platform"') :]
    assert "期限为9月30日（周二）当天结束。" in html


def test_a_deadline_in_another_year_names_the_year(policies, make_complaint, staff):
    complaint = forward(make_complaint(images=0), staff, "2025-12-30 10:00")
    with time_machine.travel(at("2025-12-30 11:00"), tick=False), translation.override("en"):
        assert standing.standing(complaint).sentence.startswith("Pinduoduo must reply by the end of ")
        assert "2026" in standing.standing(complaint).sentence


def test_the_staff_question_is_at_the_top_with_the_answer_box_below_it(forwarded, staff, client):
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        transition(forwarded, Status.NEEDS_INFO, actor=staff, role=Actor.STAFF, text="请上传订单详情的截图。")
        html = page(client, forwarded)
    question = html.index('id="question"')
    assert question < html.index("请上传订单详情的截图。") < html.index("您的投诉</h2>")
    # One answer box, right below the question, that posts the consumer's reply.
    assert html.count('name="text"') == 1
    assert question < html.index('name="text"') < html.index("您的投诉</h2>")
    assert reverse("complaints:message", args=[forwarded.reference]) in html[question:]
    with time_machine.travel(at("2025-09-29 10:05"), tick=False):
        response = client.post(reverse("complaints:message", args=[forwarded.reference]), {"text": "已上传，请查看。"})
    assert response.status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.status == Status.IN_REVIEW


def test_the_consumer_records_the_platforms_answer_and_the_first_response_clock_is_met(forwarded, client):
    client.force_login(forwarded.owner)
    url = reverse("escalation:platform_answered", args=[forwarded.reference])
    with time_machine.travel(at("2025-09-29 10:00"), tick=False):
        empty = client.post(url, {"text": " "}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert empty.status_code == 400
        assert empty.context["form"].errors == {"text": ["请写下平台的答复。"]}
        forwarded.refresh_from_db()
        assert forwarded.status == Status.FORWARDED
        response = client.post(url, {"text": "客服说三天内退款。"})
    assert response.status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.status == Status.PLATFORM_RESPONDED
    first = Clock.objects.get(complaint=forwarded, kind=ClockKind.FIRST_RESPONSE)
    assert first.state == Clock.State.MET
    assert forwarded.events.filter(text="客服说三天内退款。", actor_role=Actor.CONSUMER).exists()


def test_the_platform_row_is_named_and_says_where_it_stands_before_any_clock(policies, make_complaint, client):
    complaint = make_complaint(images=0)
    with translation.override("zh-hans"):
        [platform_row, *_others] = ladder.route_states(complaint)
    assert (platform_row.label, platform_row.state_text) == ("拼多多", "尚未转交平台")
    assert "尚未转交平台" in page(client, complaint)


def test_odr_is_not_applicable_once_12315_takes_it_as_a_complaint(forwarded, consumer, client):
    with time_machine.travel(at("2025-10-09 10:00"), tick=False):
        record_step(forwarded, Route.REGULATOR, StepKind.FILED, on=day("2025-10-09"), actor=consumer, role="consumer")
        record_step(
            forwarded, Route.REGULATOR, StepKind.ACCEPTED, on=day("2025-10-09"), actor=consumer, role="consumer"
        )
        rows = {row.route: row for row in ladder.route_states(forwarded)}
        html = page(client, forwarded)
    assert rows[Route.ODR].applicable is False and rows[Route.ODR].open is False
    assert '<li class="mb-3" data-route="12315_odr">' in html
    odr_row = html[html.index('data-route="12315_odr"') : html.index('data-route="12315"')]
    assert "不适用" in odr_row and "尚未开放" not in odr_row


def test_no_consumer_association_after_a_12315_mediation_agreement(forwarded, consumer, client):
    with time_machine.travel(at("2025-10-09 10:00"), tick=False):
        for step in (StepKind.FILED, StepKind.ACCEPTED):
            record_step(forwarded, Route.REGULATOR, step, on=day("2025-10-09"), actor=consumer, role="consumer")
    with time_machine.travel(at("2025-10-20 10:00"), tick=False):
        record_step(
            forwarded, Route.REGULATOR, StepKind.AGREEMENT, on=day("2025-10-20"), actor=consumer, role="consumer"
        )
        # The consumer says it is not solved after all: the ladder opens again, but an
        # agreement was reached, so the route left is court.
        forwarded.refresh_from_db()
        if forwarded.status == Status.RESOLVED:
            from actions.messages import answer_solved

            answer_solved(forwarded, solved=False, actor=consumer)
        with translation.override("zh-hans"):
            rows = {row.route: row for row in ladder.route_states(forwarded)}
            refused = ladder.refusal(forwarded, Route.ASSOCIATION, StepKind.FILED)
    assert rows[Route.ASSOCIATION].open is False and rows[Route.ASSOCIATION].applicable is False
    assert "法院" in refused
    assert rows[Route.COURT].open is True


def test_the_timeline_says_where_a_12315_complaint_was_filed_without_a_doubled_word(forwarded, consumer, client):
    with time_machine.travel(at("2025-10-09 10:00"), tick=False), translation.override("zh-hans"):
        record_step(
            forwarded,
            Route.REGULATOR,
            StepKind.FILED,
            on=day("2025-10-09"),
            actor=consumer,
            role="consumer",
            reference="A-1",
        )
        html = page(client, forwarded)
    assert "已于 2025-10-09 提交至12315投诉（市场监管部门），编号 A-1" in html
    assert "向向" not in html
