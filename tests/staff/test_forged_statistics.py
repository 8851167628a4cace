"""The public statistics count only what staff stand behind: a consumer's own "I complained
to the platform" counts once staff confirmed it, and no account can move the figures
by declaring dates."""

import datetime as dt
import importlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from actions.status import PlatformReached, transition
from complaints.models import Complaint
from complaints.states import Actor, Status
from escalation.models import Clock, ClockKind
from escalation.policies import load_policies
from staff import conf
from tests.test_filing import form_post

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
FORWARDED_AT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=BJ)  # a Monday
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=BJ)
TAOBAO_ORDER = "3958123456789012345"


@pytest.fixture
def frozen():
    with time_machine.travel(FORWARDED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def genuine(frozen, make_complaint, consumer, taobao, reviewer):
    """30 Taobao complaints staff forwarded on 1 June (24-hour first-response clock):
    20 answered that evening, 10 two days later; two more, unanswered, rejected or
    withdrawn two days later (never counted)."""
    assert conf.PUBLIC_STATS_MIN_COMPLAINTS == 30
    load_policies()
    complaints = [make_complaint(consumer, images=0, platform=taobao) for _ in range(32)]
    for complaint in complaints:
        transition(complaint, Status.FORWARDED, actor=reviewer, role=Actor.STAFF)
    frozen.move_to(FORWARDED_AT + dt.timedelta(hours=10))
    for complaint in complaints[:20]:
        transition(complaint, Status.PLATFORM_RESPONDED, actor=reviewer, role=Actor.STAFF)
    frozen.move_to(FORWARDED_AT + dt.timedelta(days=2))
    for complaint in complaints[20:30]:
        transition(complaint, Status.PLATFORM_RESPONDED, actor=reviewer, role=Actor.STAFF)
    transition(complaints[30], Status.NEEDS_INFO, actor=reviewer, role=Actor.STAFF, text="请补充订单截图")
    transition(complaints[30], Status.REJECTED, actor=reviewer, role=Actor.STAFF, text="不是平台交易")
    transition(complaints[31], Status.WITHDRAWN, actor=consumer, role=Actor.CONSUMER)
    frozen.move_to(NOW)
    return complaints


def attacker(django_user_model, n):
    email = f"attacker{n}@example.com"
    user = django_user_model.objects.create_user(username=email, email=email, password="pw-Secret-2026")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def declare(client, complaint, filed_at):
    url = reverse("escalation:filed_with_platform", args=[complaint.reference])
    return client.post(url, {"channel": "app", "filed_at": filed_at, "ticket": ""}, HTTP_ACCEPT_LANGUAGE="en")


def file_and_declare(client, taobao, email, filed_at) -> Complaint:
    """File through the real form and declare through the real page, as the attack did."""
    data = form_post(taobao, action="submit", order_number=TAOBAO_ORDER, contact_email=email)
    assert client.post(reverse("complaints:new"), data).status_code == 302
    complaint = Complaint.objects.get(submission_token=data["submission_token"])
    assert declare(client, complaint, filed_at).status_code == 302
    return complaint


def rendered_statistics(client) -> str:
    cache.clear()  # the page is cached for a few minutes
    html = client.get(reverse("staff:public_stats"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    [main] = re.findall(r"<main\b.*?</main>", html, re.S)
    return main


def test_thirty_forged_declarations_leave_the_public_statistics_unchanged(
    genuine, client, django_user_model, taobao, frozen
):
    before = rendered_statistics(client)
    assert '<td class="text-end received">30</td>' in before and '<td class="text-end timely">67%</td>' in before
    forged = []
    for n in range(3):
        account = attacker(django_user_model, n)
        client.force_login(account)
        # As far back as the form allows: the platform's 24-hour clock is long overdue.
        forged += [file_and_declare(client, taobao, account.email, "2026-06-03T10:00") for _ in range(10)]
        client.logout()
    assert len(forged) == 30
    assert Clock.objects.filter(complaint__in=forged, kind=ClockKind.FIRST_RESPONSE, due_at__lt=NOW).count() == 30
    assert rendered_statistics(client) == before


def test_a_declared_date_more_than_seven_days_back_is_refused_next_to_the_field_and_kept(
    frozen, client, consumer, make_complaint, taobao
):
    load_policies()
    complaint = make_complaint(consumer, images=0, platform=taobao)
    client.force_login(consumer)
    response = declare(client, complaint, "2025-08-14T10:00")  # 300 days back
    assert response.status_code == 200
    assert response.context["form"].errors["filed_at"] == ["This is more than 7 days ago; please contact us instead."]
    html = response.content.decode()
    assert 'value="2025-08-14T10:00"' in html
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED
    assert not Clock.objects.filter(complaint=complaint).exists()


def test_staff_confirming_a_declaration_makes_it_count(
    genuine, client, consumer, reviewer, make_complaint, taobao, frozen
):
    complaint = make_complaint(consumer, images=0, platform=taobao)
    client.force_login(consumer)
    assert declare(client, complaint, "2026-06-09T10:00").status_code == 302
    client.logout()
    assert '<td class="text-end received">30</td>' in rendered_statistics(client)

    client.force_login(reviewer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "confirm_filing-checked" in page
    act = reverse("admin:complaints_complaint_act", args=[complaint.pk, "confirm_filing"])
    assert client.post(act, {}).status_code == 400  # the box must be ticked
    assert client.post(act, {"confirm_filing-checked": "on"}).status_code == 302
    clock = Clock.objects.get(complaint=complaint, kind=ClockKind.FIRST_RESPONSE)
    assert (clock.start_confirmed_at, clock.start_confirmed_by) == (NOW, reviewer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "confirm_filing-checked" not in page  # nothing left to confirm
    client.logout()
    assert '<td class="text-end received">31</td>' in rendered_statistics(client)


def test_a_staff_forwarded_clock_starts_confirmed_and_a_declared_one_does_not(
    frozen, make_complaint, consumer, reviewer, taobao
):
    load_policies()
    by_staff, by_consumer = (make_complaint(consumer, images=0, platform=taobao) for _ in range(2))
    transition(by_staff, Status.FORWARDED, actor=reviewer, role=Actor.STAFF)
    transition(
        by_consumer,
        Status.FORWARDED,
        actor=consumer,
        role=Actor.CONSUMER,
        reached=PlatformReached("app", at=FORWARDED_AT),
    )
    staff_clock = Clock.objects.get(complaint=by_staff, kind=ClockKind.FIRST_RESPONSE)
    consumer_clock = Clock.objects.get(complaint=by_consumer, kind=ClockKind.FIRST_RESPONSE)
    assert (staff_clock.start_confirmed_at, staff_clock.start_confirmed_by) == (FORWARDED_AT, reviewer)
    assert (consumer_clock.start_confirmed_at, consumer_clock.start_confirmed_by) == (None, None)


def test_the_migration_confirms_the_clocks_staff_started_and_not_the_consumers_own(
    frozen, make_complaint, consumer, reviewer, taobao
):
    from django.apps import apps

    migration = importlib.import_module("escalation.migrations.0002_clock_start_confirmed")
    load_policies()
    by_staff, by_consumer = (make_complaint(consumer, images=0, platform=taobao) for _ in range(2))
    transition(by_staff, Status.FORWARDED, actor=reviewer, role=Actor.STAFF)
    transition(by_consumer, Status.FORWARDED, actor=consumer, role=Actor.CONSUMER, reached=PlatformReached("app"))
    Clock.objects.update(start_confirmed_at=None, start_confirmed_by=None)  # as before the migration
    migration.confirm_staff_started_clocks(apps, None)
    confirmed = set(
        Clock.objects.filter(start_confirmed_at=FORWARDED_AT).values_list("complaint", "start_confirmed_by")
    )
    assert confirmed == {(by_staff.pk, reviewer.pk)}
    assert not Clock.objects.filter(complaint=by_consumer).exclude(start_confirmed_at=None).exists()
