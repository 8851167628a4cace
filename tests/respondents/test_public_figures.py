"""A respondent's public figures: what counts, and what never does."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from actions.messages import answer_solved
from actions.respondents import AnswerValues, answer, record_off_tousu_answer
from escalation.models import Clock, ClockKind
from escalation.workdays import working_hours_between
from respondents.models import Answer, Delivery
from respondents.stats import figures_for, public_table

from .conftest import make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_working_hours_skip_days_off():
    friday_evening = dt.datetime(2026, 11, 20, 20, 0, tzinfo=BEIJING)
    monday_morning = dt.datetime(2026, 11, 23, 9, 0, tzinfo=BEIJING)
    weekdays = lambda day: day.weekday() < 5  # noqa: E731
    # Friday 20:00-24:00 and Monday 00:00-09:00; the weekend does not count.
    assert working_hours_between(friday_evening, monday_morning, is_working=weekdays) == 13.0
    assert working_hours_between(monday_morning, friday_evening, is_working=weekdays) == 0.0


@pytest.fixture
def answered_three(make_complaint, pdd_agent, consumer, frozen_clock, settings):
    """Three delivered complaints: refunded on time and confirmed solved; resolved on
    time and disputed; explained late."""
    complaints = [make_complaint(order_number=f"2611230000{i}") for i in range(3)]
    deliveries = [Delivery.objects.get(complaint=c) for c in complaints]
    answer(deliveries[0], AnswerValues(kind="refunded", message="退款", amount=Decimal("10")), user=pdd_agent)
    answer(deliveries[1], AnswerValues(kind="resolved", message="补发"), user=pdd_agent)
    answer_solved(complaints[0], solved=True, actor=consumer)
    complaints[1].refresh_from_db()
    answer_solved(complaints[1], solved=False, actor=consumer)
    due = Clock.objects.get(complaint=complaints[2], kind=ClockKind.FIRST_RESPONSE).due_at
    frozen_clock.move_to(due + dt.timedelta(hours=2))
    answer(deliveries[2], AnswerValues(kind="explained", message="说明"), user=pdd_agent)
    return complaints


def test_the_figures_count_timely_solved_and_disputed(answered_three, pdd_respondent):
    figures = figures_for(pdd_respondent)
    assert figures.delivered == 3
    assert (figures.on_time, figures.late) == (2, 1)
    assert figures.solved_share == 0.5  # one yes, one no
    assert figures.disputed_share == 0.5  # of the two resolving answers, one disputed
    assert len(figures.hours_to_first_answer) == 3


def test_an_answer_recorded_from_outside_tousu_never_counts_as_the_respondents(
    make_complaint, pdd_respondent, pdd_agent, staff_user
):
    complaint = make_complaint()
    record_off_tousu_answer(complaint, AnswerValues(kind="explained", message="电话答复"), staff_user=staff_user)
    assert Answer.objects.get(complaint=complaint).off_tousu
    figures = figures_for(pdd_respondent)
    assert figures.delivered == 1 and figures.on_time == 0 and figures.hours_to_first_answer == []


def test_the_public_page_shows_figures_only_from_the_minimum(client, answered_three, pdd_respondent, settings):
    cache.clear()
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 4
    page = client.get(reverse("respondents_public:page", args=[pdd_respondent.slug]))
    assert page.status_code == 200 and b'id="too-few"' in page.content
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 3
    page = client.get(reverse("respondents_public:page", args=[pdd_respondent.slug])).content.decode()
    assert 'id="figures"' in page and "67%" in page  # 2 of 3 on time
    assert answered_three[0].description not in page  # no complaint text is public


def test_the_stats_table_lists_platforms_not_on_tousu_with_what_staff_reviewed_and_could_not_deliver(
    client, make_complaint, taobao, staff_user
):
    from actions.status import transition
    from complaints.states import Actor, Status

    cache.clear()
    reviewed = make_complaint(platform=taobao)
    transition(reviewed, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    make_complaint(platform=taobao, order_number="261123000099")  # not reviewed: not counted
    table = public_table(now=None)
    by_slug = {row.platform.slug: row.undeliverable for row in table["not_joined"]}
    assert by_slug["taobao"] == 1 and by_slug["pinduoduo"] == 0  # nobody filed with pinduoduo
    page = client.get(reverse("staff:public_stats")).content.decode()
    assert 'data-not-joined="taobao"' in page and "未入驻" in page


def test_a_respondent_that_has_not_joined_has_no_public_page(client, pinduoduo):
    organisation = make_organisation(pinduoduo, joined=False)
    assert client.get(reverse("respondents_public:page", args=[organisation.slug])).status_code == 404
