"""A complaint reaches a respondent on Tousu, and the respondent's answer works the
clocks, the consumer's page and "Was it solved?"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.membership import accept_invitation, invite
from actions.messages import answer_solved
from actions.respondents import AnswerRefused, AnswerValues, answer
from complaints.models import TimelineEvent
from complaints.states import Status
from escalation.models import Clock, ClockKind, PlatformFiling, SolvedQuestion
from notifications.models import OutboundEmail
from respondents.models import Answer, Delivery
from staff.models import AccessLog

from ..conftest import platform_email_channel
from .conftest import make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]


def test_filing_delivers_at_once_to_a_platform_that_joined_and_starts_confirmed_clocks(
    make_complaint, pdd_respondent, pdd_agent
):
    complaint = make_complaint()
    complaint.refresh_from_db()
    delivery = Delivery.objects.get(complaint=complaint)
    assert delivery.organisation == pdd_respondent
    assert complaint.status == Status.FORWARDED
    assert PlatformFiling.objects.get(complaint=complaint).channel == PlatformFiling.Channel.TOUSU
    first = Clock.objects.get(complaint=complaint, kind=ClockKind.FIRST_RESPONSE)
    assert first.state == Clock.State.RUNNING
    assert first.start_confirmed_at is not None  # the system stands behind a delivery
    # The member hears of it by email with a link and no personal data.
    email = OutboundEmail.objects.get(template="respondent_event", to="agent@pinduoduo.example")
    assert complaint.reference in email.body_text
    assert complaint.contact_name not in email.body_text
    assert complaint.contact_phone[-8:] not in email.body_text


def test_a_platform_not_on_tousu_gets_nothing_and_the_page_says_so(client, consumer, make_complaint):
    complaint = make_complaint()
    complaint.refresh_from_db()
    assert not Delivery.objects.exists()
    assert complaint.status == Status.SUBMITTED
    client.force_login(consumer)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "尚未入驻 Tousu" in page
    assert reverse("escalation:filed_with_platform", args=[complaint.reference]) in page


def test_a_platform_that_has_not_joined_yet_is_not_delivered_to(make_complaint, pinduoduo):
    make_organisation(pinduoduo, joined=False)
    complaint = make_complaint()
    assert not Delivery.objects.filter(complaint=complaint).exists()


def test_joining_delivers_the_complaints_that_waited(make_complaint, pinduoduo, django_user_model):
    platform_email_channel(pinduoduo, value="kefu@pinduoduo.com")
    organisation = make_organisation(pinduoduo, joined=False)
    waiting = make_complaint()
    _invitation, link = invite(organisation, email="ops@pinduoduo.com", invited_by=None)
    user = django_user_model.objects.create_user(username="ops@pinduoduo.com", email="ops@pinduoduo.com")
    user.emailaddress_set.create(email="ops@pinduoduo.com", verified=True, primary=True)
    accept_invitation(link.rstrip("/").rsplit("/", 1)[1], user=user)
    waiting.refresh_from_db()
    assert waiting.status == Status.FORWARDED
    assert Delivery.objects.filter(complaint=waiting, organisation=organisation).exists()


def test_a_refund_answer_resolves_asks_if_solved_and_tells_the_consumer(make_complaint, pdd_agent):
    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    created, is_new = answer(
        delivery,
        AnswerValues(kind=Answer.Kind.REFUNDED, message="已退款 129 元", amount=Decimal("129.00")),
        user=pdd_agent,
    )
    assert is_new and created.timely
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert SolvedQuestion.objects.filter(complaint=complaint, answered_at__isnull=True).exists()
    clocks = Clock.objects.filter(complaint=complaint)
    assert {c.state for c in clocks} == {Clock.State.MET}
    told = OutboundEmail.objects.get(template="respondent_answered", about_id=complaint.pk)
    assert "¥129.00" in told.body_text and "已退款 129 元" in told.body_text
    delivery.refresh_from_db()
    assert delivery.first_answer_at is not None and delivery.first_answer_timely is True
    assert TimelineEvent.objects.filter(complaint=complaint, kind=TimelineEvent.Kind.ANSWERED).count() == 1


def test_the_same_idempotency_key_never_answers_twice(make_complaint, pdd_agent):
    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    values = AnswerValues(kind=Answer.Kind.IN_PROGRESS, message="处理中", expected_by=dt.date(2026, 11, 30))
    first, new_first = answer(delivery, values, user=pdd_agent, idempotency_key="k-1")
    again, new_again = answer(delivery, values, user=pdd_agent, idempotency_key="k-1")
    assert (new_first, new_again) == (True, False)
    assert first.pk == again.pk and Answer.objects.count() == 1


def test_an_answer_after_the_deadline_is_marked_untimely(make_complaint, pdd_agent, frozen_clock):
    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    due = Clock.objects.get(complaint=complaint, kind=ClockKind.FIRST_RESPONSE).due_at
    frozen_clock.move_to(due + dt.timedelta(hours=1))
    late, _new = answer(delivery, AnswerValues(kind=Answer.Kind.EXPLAINED, message="说明"), user=pdd_agent)
    assert late.timely is False
    delivery.refresh_from_db()
    assert delivery.first_answer_timely is False
    complaint.refresh_from_db()
    assert complaint.status == Status.PLATFORM_RESPONDED


def test_not_solved_reopens_and_tells_the_respondent(make_complaint, pdd_agent, consumer):
    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    answer(delivery, AnswerValues(kind=Answer.Kind.RESOLVED, message="已补发"), user=pdd_agent)
    complaint.refresh_from_db()
    answer_solved(complaint, solved=False, actor=consumer, reason="没有收到补发的商品")
    complaint.refresh_from_db()
    assert complaint.status == Status.PLATFORM_RESPONDED
    assert OutboundEmail.objects.filter(dedupe_key__startswith="respondent:answer.disputed:").count() == 1
    assert "没有收到补发的商品" in complaint.events.order_by("-id").first().text


def test_a_withdrawn_complaint_takes_no_answer(make_complaint, pdd_agent, consumer):
    from actions.status import withdraw

    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    withdraw(complaint, actor=consumer)
    with pytest.raises(AnswerRefused):
        answer(delivery, AnswerValues(kind=Answer.Kind.EXPLAINED, message="x"), user=pdd_agent)
    assert not Answer.objects.exists()


def test_opening_a_delivered_complaint_in_the_portal_writes_an_access_log_row(client, make_complaint, pdd_agent):
    complaint = make_complaint()
    client.force_login(pdd_agent)
    page = client.get(reverse("respondents:complaint", args=[complaint.reference]))
    assert page.status_code == 200
    assert complaint.order_number in page.content.decode()
    assert AccessLog.objects.filter(complaint=complaint, user=pdd_agent, field="respondent_opened").count() == 1


def test_a_member_of_another_organisation_gets_404_everywhere(client, make_complaint, pdd_agent, taobao_agent):
    complaint = make_complaint()
    evidence = complaint.evidence.first()
    client.force_login(taobao_agent)
    for url in (
        reverse("respondents:complaint", args=[complaint.reference]),
        reverse("respondents:evidence", args=[complaint.reference, evidence.public_id]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("respondents:answer", args=[complaint.reference]), {}).status_code == 404
    assert client.post(reverse("respondents:acknowledge", args=[complaint.reference])).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_member_without_an_authenticator_is_sent_to_set_one_up(client, django_user_model, pdd_respondent):
    from .conftest import make_member

    member = make_member(django_user_model, pdd_respondent, "new@pinduoduo.example", totp=False)
    client.force_login(member)
    response = client.get(reverse("respondents:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_portal_answer_form_keeps_what_was_typed_and_says_what_is_missing(client, make_complaint, pdd_agent):
    complaint = make_complaint()
    client.force_login(pdd_agent)
    response = client.post(
        reverse("respondents:answer", args=[complaint.reference]),
        {"kind": "refunded", "message": "已经退款了"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已经退款了" in page
    assert response.context["form"].errors["amount"]
    assert not Answer.objects.exists()


def test_the_consumer_sees_the_answer_at_the_top_of_their_page(client, consumer, make_complaint, pdd_agent):
    complaint = make_complaint()
    delivery = Delivery.objects.get(complaint=complaint)
    answer(
        delivery,
        AnswerValues(kind=Answer.Kind.REFUNDED, message="已退款", amount=Decimal("129.00")),
        user=pdd_agent,
    )
    client.force_login(consumer)
    page = client.get(complaint.get_absolute_url()).content.decode()
    panel = page.index('id="respondent-panel"')
    assert panel < page.index('class="row g-4"')  # above the complaint itself
    assert "¥129.00" in page[panel : page.index('class="row g-4"')]
