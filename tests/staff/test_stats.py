"""Statistics against a small data set counted by hand (March 2026 has no holiday)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actions.messages import answer_solved
from actions.solved import ask
from complaints.models import Complaint
from core.parties import Party
from escalation.models import Clock, ClockKind, DeadlinePolicy
from staff import charts, stats

BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BJ)  # Tuesday

# Every complaint, clock and page view of this module happens at NOW.
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def at(day, hour=10, minute=0, second=0):
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=BJ)


@pytest.fixture
def data(make_complaint, consumer, pinduoduo, taobao):
    """Pinduoduo: 3 complaints. First responses: on time after 2 working days; late after
    5; never, past due (late, and overdue now). Taobao: 1 complaint, its clock still
    running and not yet due (no outcome)."""
    c1, c2, c3 = (make_complaint(consumer, images=0) for _ in range(3))
    c4 = make_complaint(consumer, images=0, platform=taobao)
    policy = DeadlinePolicy.objects.create(
        slug="test-first", body=Party.PLATFORM, kind=ClockKind.FIRST_RESPONSE, due_after=5, source="test"
    )

    def clock(complaint, started, due, state="running", met=None):
        Clock.objects.create(
            complaint=complaint,
            kind=ClockKind.FIRST_RESPONSE,
            policy=policy,
            state=state,
            started_at=started,
            due_at=due,
            met_at=met,
            start_confirmed_at=started,  # staff forwarded them
        )

    clock(c1, at(2), at(9, 23, 59, 59), "met", at(4, 12))  # Tue 3, Wed 4: 2 working days, on time
    clock(c2, at(2), at(5, 23, 59, 59), "met", at(9, 12))  # 3, 4, 5, 6, 9: 5 working days, late
    clock(c3, at(3), at(6, 23, 59, 59))  # running, past due: late
    clock(c4, at(9), at(16, 23, 59, 59))  # running, not due yet: no outcome
    Complaint.objects.filter(pk__in=[c1.pk, c2.pk]).update(created_at=at(2), status="platform_responded")
    Complaint.objects.filter(pk=c3.pk).update(created_at=at(3), status="forwarded", next_deadline_at=at(6, 23, 59, 59))
    Complaint.objects.filter(pk=c4.pk).update(created_at=at(9), status="forwarded", next_deadline_at=at(16, 23, 59, 59))
    return {"pdd": pinduoduo, "taobao": taobao}


def test_counts_by_status(data):
    counts = {value: n for value, _label, n in stats.status_counts()}
    assert counts["platform_responded"] == 2 and counts["forwarded"] == 2 and counts["submitted"] == 0


def test_per_platform_overdue_timely_share_and_median_days_to_first_response(data):
    rows = {row.platform.slug: row for row in stats.platform_stats(NOW)}
    pdd, taobao = rows["pinduoduo"], rows["taobao"]
    assert (pdd.received, pdd.overdue, pdd.on_time, pdd.late) == (3, 1, 1, 2)
    assert pdd.timely_share == pytest.approx(1 / 3)
    assert pdd.median_days == 3.5  # median of 2 and 5
    assert (taobao.received, taobao.overdue, taobao.decided) == (1, 0, 0)
    assert taobao.timely_share is None and taobao.median_days is None


def test_weekly_counts_of_the_last_12_weeks(data):
    weeks = stats.weekly_received(NOW)
    assert len(weeks) == 12
    assert weeks[-1] == (dt.date(2026, 3, 9), 1)
    assert weeks[-2] == (dt.date(2026, 3, 2), 3)
    assert sum(n for _start, n in weeks) == 4


def test_the_staff_home_shows_the_figures_and_the_charts(client, reviewer, data):
    client.force_login(reviewer)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="staff-stats"' in html and html.count("<svg") >= 2
    assert '<td class="timely">33%</td>' in html and '<td class="median">3.5</td>' in html


def test_the_staff_home_shows_no_figures_to_staff_without_a_role(client, staff_user, data):
    client.force_login(staff_user)
    assert 'id="staff-stats"' not in client.get(reverse("admin:index")).content.decode()


def test_the_public_page_lists_only_platforms_with_enough_complaints(client, data, settings):
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 2
    response = client.get(reverse("staff:public_stats"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-platform="pinduoduo"' in html and 'data-platform="taobao"' not in html
    assert '<td class="text-end received">3</td>' in html and "33%" in html and "<svg" in html
    # Aggregates only: nothing about any one complaint.
    assert "TS-" not in html and "王小明" not in html


@pytest.fixture
def answers(data, consumer):
    """Pinduoduo's consumers answer "Was it solved?": two say solved, one says not solved
    (1 of Pinduoduo's 3 complaints is asked only); Taobao's consumer is never asked."""
    pdd = Complaint.objects.filter(platform=data["pdd"]).order_by("pk")
    for complaint, was_solved in zip(pdd, (True, True, False), strict=True):
        ask(complaint)
        answer_solved(complaint, solved=was_solved, actor=consumer)
    return data


def test_the_staff_home_shows_the_confirmed_solved_share_beside_the_on_time_share(client, reviewer, answers):
    client.force_login(reviewer)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<td class="timely">33%</td><td class="solved">67%</td>' in html
    taobao_row = html.split('data-platform="taobao"')[1].split("</tr>")[0]
    assert '<td class="solved">—</td>' in taobao_row


def test_the_public_page_shows_the_confirmed_solved_share_beside_the_on_time_share(client, answers, settings):
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 2
    html = client.get(reverse("staff:public_stats")).content.decode()
    assert '<td class="text-end timely">33%</td><td class="text-end solved">67%</td>' in html


def test_the_public_page_shows_the_confirmed_solved_share_in_chinese(client, answers, settings):
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 2
    html = client.get(reverse("staff:public_stats"), headers={"accept-language": "zh-hans"}).content.decode()
    assert '<th scope="col" class="text-end">消费者确认已解决</th>' in html and "67%" in html


def test_the_public_page_says_when_no_platform_qualifies(client, data, settings):
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 100
    html = client.get(reverse("staff:public_stats")).content.decode()
    assert 'id="league"' not in html


def test_bar_geometry_scales_to_the_largest_value():
    chart = charts.column_chart([("a", 1), ("b", 4), ("c", 0)], width=300, height=100, label_room=20, value_room=10)
    heights = [bar.height for bar in chart.bars]
    assert heights == [17.5, 70.0, 0.0]
    assert [bar.width for bar in chart.bars] == [94.0, 94.0, 94.0]
    assert chart.bars[1].y == 10
    horizontal = charts.bar_chart([("x", 50, "50%")], maximum=100, width=400, label_room=100, value_room=100)
    assert horizontal.bars[0].width == 100 and horizontal.bars[0].text == "50%"
