import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import remember_language
from actions.reminders import _claim_clocks, _claim_with_orm, claim_due_reminders
from actions.routes import record_step
from actions.status import transition
from complaints.states import Actor, Status
from escalation import muting
from escalation.digest import send_staff_digest
from escalation.models import Clock, ClockKind, Reminder, ReminderMute, Route, StepKind
from escalation.sweep import requeue_stale_reminders
from notifications.models import OutboundEmail
from tests.escalation.beijing import at
from tests.escalation.sending import send_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2025-09-30 14:00")]


@pytest.fixture
def forwarded(policies, make_complaint, staff, consumer):
    """A Pinduoduo complaint forwarded on 2025-09-30: first response due 2025-10-11, resolution 2025-10-16."""
    remember_language(consumer, "en")
    complaint = make_complaint(images=0)
    with time_machine.travel(at("2025-09-30 15:00"), tick=False):
        transition(complaint, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    mail.outbox.clear()
    return complaint


def sweep_and_send(when: str) -> list[str]:
    with time_machine.travel(at(when), tick=False):
        return send_reminders(claim_due_reminders())


def test_nothing_is_claimed_before_the_due_tomorrow_reminder_time(forwarded):
    assert sweep_and_send("2025-10-10 08:59") == []
    assert mail.outbox == []


def test_due_tomorrow_reminder_goes_to_the_consumer_in_text_and_html_with_a_mute_link(forwarded):
    assert sweep_and_send("2025-10-10 09:05") == ["sent"]
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert "deadline is tomorrow" in message.subject and forwarded.reference in message.subject
    assert "2025-10-11" in message.body
    html = message.alternatives[0][0]
    assert "2025-10-11" in html
    [token] = re.findall(r"/escalation/mute/([^/]+)/", message.body)
    with time_machine.travel(at("2025-10-10 09:06"), tick=False):
        assert muting.complaint_id_from_mute_token(token) == forwarded.pk
    assert f"/escalation/mute/{token}/" in html
    assert "Pinduoduo's first response" in message.body
    first = Clock.objects.get(complaint=forwarded, kind=ClockKind.FIRST_RESPONSE)
    assert (first.next_reminder_kind, first.next_reminder_at) == ("overdue", at("2025-10-12 00:00:00"))
    reminder = Reminder.objects.get(clock=first)
    assert reminder.status == Reminder.Status.SENT and reminder.email.status == OutboundEmail.Status.SENT


def test_two_sweeps_at_the_same_moment_claim_each_reminder_once(forwarded):
    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        first = claim_due_reminders()
        second = claim_due_reminders()
    assert len(first) == 1 and second == []


def test_a_retried_send_task_does_not_send_twice(forwarded):
    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        [reminder_id] = claim_due_reminders()
        assert send_reminders([reminder_id]) == ["sent"]
        Reminder.objects.filter(pk=reminder_id).update(status=Reminder.Status.PENDING)  # as if the ack was lost
        assert send_reminders([reminder_id]) == ["sent"]  # finds its email, already sent
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(template__startswith="reminder_").attempts == 1


def test_each_reminder_email_is_attempted_once_by_the_outbox_and_not_again_by_the_reminder_task(forwarded, settings):
    """The reminder task only queues; the outbox's commit hook is the one delivery.
    With the server down, that is exactly one failed attempt, then the outbox's backoff."""
    settings.EMAIL_BACKEND = "tests.escalation.failing_backend.RefusingBackend"
    assert sweep_and_send("2025-10-10 09:05") == ["pending"]
    email = OutboundEmail.objects.get(template__startswith="reminder_")
    assert (email.attempts, email.status) == (1, OutboundEmail.Status.PENDING)
    assert email.next_attempt_at == at("2025-10-10 09:06")  # 30 s * 2**1 later

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_and_send("2025-10-10 09:07") == []  # nothing new is due; the email waits for the outbox
    assert OutboundEmail.objects.get(template__startswith="reminder_").attempts == 1
    assert mail.outbox == []


def test_overdue_reminder_says_what_to_do_next_and_links_the_packet(forwarded):
    sweep_and_send("2025-10-10 09:05")
    mail.outbox.clear()
    assert sweep_and_send("2025-10-12 00:01") == ["sent"]
    [message] = mail.outbox
    assert "missed its deadline" in message.subject
    assert reverse("escalation:packet_start", args=[forwarded.reference]) in message.body
    assert "12315" in message.body and "12315" in message.alternatives[0][0]


def test_still_overdue_repeats_every_three_working_days_and_stops_on_escalation(forwarded, consumer):
    sweep_and_send("2025-10-10 09:05")
    sweep_and_send("2025-10-12 00:01")
    first = Clock.objects.get(complaint=forwarded, kind=ClockKind.FIRST_RESPONSE)
    # Sent on Sun 12 Oct: three working days later is Wed 15 Oct.
    assert (first.next_reminder_kind, first.next_reminder_at) == ("still_overdue", at("2025-10-15 09:00"))
    mail.outbox.clear()
    assert sweep_and_send("2025-10-15 09:01") == ["sent", "sent"]
    # The first response's repeat, and the resolution's "due tomorrow" (due 16 Oct): one
    # sweep, one complaint, so one message naming both (issue 24 part 4).
    [message] = mail.outbox
    assert message.subject == f"[Tousu] Complaint {forwarded.reference}: 2 deadlines need you"
    assert "Pinduoduo must reply by the end of Sat 11 Oct (Overdue by 3 working days)" in message.body
    # The overdue one's way on is kept in the message of the other kind.
    assert "/escalation/" in message.body and "packet" in message.body
    assert "Pinduoduo must resolve it by the end of Thu 16 Oct (due tomorrow)" in message.body
    with time_machine.travel(at("2025-10-16 10:00"), tick=False):
        record_step(
            forwarded, Route.REGULATOR, StepKind.FILED, on=dt.date(2025, 10, 16), actor=consumer, role=Actor.CONSUMER
        )
    mail.outbox.clear()
    assert sweep_and_send("2025-10-23 09:01") == []  # the platform's reminders stopped
    assert mail.outbox == []
    # 12315's acceptance clock (7 working days after 16 Oct) reminds instead.
    acceptance = Clock.objects.get(complaint=forwarded, kind=ClockKind.ACCEPTANCE)
    assert acceptance.due_at == at("2025-10-27 23:59:59")
    assert sweep_and_send("2025-10-26 09:01") == ["sent"]
    assert "12315" in mail.outbox[0].subject


def test_without_a_move_both_platform_clocks_remind_by_the_20th(forwarded):
    # The control for the test below: the same sweep sends when nothing happened.
    assert sweep_and_send("2025-10-20 09:01") == ["sent", "sent"]


@pytest.mark.parametrize(
    ("target", "role"),
    [(Status.RESOLVED, Actor.STAFF), (Status.WITHDRAWN, Actor.CONSUMER)],
    ids=["resolved", "withdrawn"],
)
def test_reminders_stop_on_resolution_and_on_withdrawal(forwarded, consumer, staff, target, role):
    with time_machine.travel(at("2025-10-09 12:00"), tick=False):
        transition(forwarded, target, actor=staff if role == Actor.STAFF else consumer, role=role)
    assert sweep_and_send("2025-10-20 09:01") == []
    assert Reminder.objects.count() == 0
    assert list(forwarded.clocks.values_list("next_reminder_at", flat=True)) == [None, None]


def test_a_muted_complaint_gets_no_reminder_and_the_skip_is_recorded(forwarded):
    ReminderMute.objects.create(complaint=forwarded)
    assert sweep_and_send("2025-10-10 09:05") == ["skipped"]
    assert mail.outbox == []
    assert Reminder.objects.get().last_error == "muted by the consumer"


def test_a_failing_smtp_server_leaves_the_reminder_pending_and_its_outcome_follows_the_outbox(forwarded, settings):
    from notifications.services import MAX_ATTEMPTS, deliver

    settings.EMAIL_BACKEND = "tests.escalation.failing_backend.RefusingBackend"
    assert sweep_and_send("2025-10-10 09:05") == ["pending"]
    reminder = Reminder.objects.get()
    assert "Connection refused" in reminder.email.last_error
    assert reminder.email.status == OutboundEmail.Status.PENDING
    # The outbox's own retries run out: the reminder ends failed, with the error.
    outcomes = [
        deliver(reminder.email_id, now=at("2025-10-10 09:05") + dt.timedelta(days=day))
        for day in range(1, MAX_ATTEMPTS)
    ]
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 2) + ["failed"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.FAILED, MAX_ATTEMPTS)
    assert reminder.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"


def test_stale_reminders_whose_email_was_never_queued_are_handed_out_again_once(forwarded):
    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        [lost, queued] = claim_due_reminders() + [None]  # one due: its task message is lost
    assert queued is None
    with time_machine.travel(at("2025-10-10 09:30"), tick=False):
        assert requeue_stale_reminders() == [lost]
        assert requeue_stale_reminders() == []


def test_a_stale_reminder_whose_email_is_in_the_outbox_is_left_to_the_outbox(forwarded, settings):
    settings.EMAIL_BACKEND = "tests.escalation.failing_backend.RefusingBackend"
    sweep_and_send("2025-10-10 09:05")
    with time_machine.travel(at("2025-10-10 09:30"), tick=False):
        assert requeue_stale_reminders() == []


def test_opening_the_mute_link_only_asks_and_mutes_nothing(forwarded, client):
    # Mail scanners and link previews open links: a GET must not switch reminders off.
    response = client.get(muting.mute_url(forwarded.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not ReminderMute.objects.filter(complaint=forwarded).exists()
    html = response.content.decode()
    assert "Stop deadline reminders?" in html and 'name="action" value="mute"' in html


def test_the_pages_button_mutes_with_a_csrf_token_and_can_be_undone(forwarded):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    url = muting.mute_url(forwarded.pk)
    assert browser.post(url, {"action": "mute"}).status_code == 403  # no CSRF token: refused
    assert not ReminderMute.objects.filter(complaint=forwarded).exists()
    browser.get(url)
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"action": "mute", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Reminders muted" in response.content.decode()
    assert ReminderMute.objects.filter(complaint=forwarded).exists()
    browser.post(url, {"action": "unmute", "csrfmiddlewaretoken": token})
    assert not ReminderMute.objects.filter(complaint=forwarded).exists()


def test_a_one_click_post_from_the_mail_client_mutes_without_cookie_or_csrf_token(forwarded):
    mail_provider = Client(enforce_csrf_checks=True)
    response = mail_provider.post(
        muting.mute_url(forwarded.pk),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ReminderMute.objects.filter(complaint=forwarded).exists()


def test_a_forged_mute_link_is_not_found(forwarded, client):
    assert client.get(reverse("escalation:mute", args=["1:forged"])).status_code == 404
    assert client.post(reverse("escalation:mute", args=["1:forged"]), {"action": "mute"}).status_code == 404
    assert not ReminderMute.objects.exists()


def test_a_mute_link_older_than_90_days_is_refused_with_a_clear_page(policies, make_complaint, client):
    sent = at("2026-02-02 10:00")
    with time_machine.travel(sent, tick=False):
        complaint = make_complaint(images=0)
        url = muting.mute_url(complaint.pk)
    with time_machine.travel(sent + dt.timedelta(days=89), tick=False):
        assert client.get(url).status_code == 200  # still valid on day 89
    with time_machine.travel(sent + dt.timedelta(days=91), tick=False):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        one_click = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        button = client.post(url, {"action": "mute"})
    assert page.status_code == one_click.status_code == button.status_code == 410
    html = page.content.decode()
    assert "This link has expired" in html and "works for 90 days" in html
    assert not ReminderMute.objects.filter(complaint=complaint).exists()


def test_a_reminder_email_carries_list_unsubscribe_and_one_click_headers(forwarded, settings):
    assert sweep_and_send("2025-10-10 09:05") == ["sent"]
    [message] = mail.outbox
    [token] = re.findall(r"/escalation/mute/([^/]+)/", message.body)
    with time_machine.travel(at("2025-10-10 09:06"), tick=False):
        assert muting.complaint_id_from_mute_token(token) == forwarded.pk
    sent = message.message()
    assert sent["List-Unsubscribe"] == f"<{settings.SITE_URL}/escalation/mute/{token}/>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stored = OutboundEmail.objects.get(template="reminder_due_tomorrow")
    assert stored.headers == {
        "List-Unsubscribe": f"<{settings.SITE_URL}/escalation/mute/{token}/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_staff_digest_goes_to_each_assignee_and_to_the_team_for_unassigned_cases(
    forwarded, make_complaint, staff, settings
):
    settings.STAFF_NOTIFICATION_EMAILS = ["team@example.com"]
    other = make_complaint(images=0)
    with time_machine.travel(at("2025-09-30 15:00"), tick=False):
        transition(other, Status.IN_REVIEW, actor=staff, role=Actor.STAFF)
        transition(other, Status.FORWARDED, actor=staff, role=Actor.STAFF)
    type(forwarded).objects.filter(pk=forwarded.pk).update(assignee=staff)
    mail.outbox.clear()
    with time_machine.travel(at("2025-10-13 08:00"), tick=False):
        assert send_staff_digest() == 0  # not before 09:00
    with time_machine.travel(at("2025-10-13 09:10"), tick=False):
        assert send_staff_digest() == 2
        assert send_staff_digest() == 0  # once a day
    digests = {e.to: e for e in OutboundEmail.objects.filter(template="staff_digest")}
    assert set(digests) == {"staff@example.com", "team@example.com"}
    assert forwarded.reference in digests["staff@example.com"].body_text
    assert other.reference not in digests["staff@example.com"].body_text
    assert other.reference in digests["team@example.com"].body_text
    assert other.reference in digests["team@example.com"].body_html


def test_cases_of_an_assignee_without_a_role_go_to_the_team_digest(forwarded, django_user_model, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["team@example.com"]
    former = django_user_model.objects.create_user("former", "former@example.com", "pw-former-123", is_staff=True)
    type(forwarded).objects.filter(pk=forwarded.pk).update(assignee=former)
    with time_machine.travel(at("2025-10-13 09:10"), tick=False):
        assert send_staff_digest() == 1
    digest = OutboundEmail.objects.get(template="staff_digest")
    assert digest.to == "team@example.com" and forwarded.reference in digest.body_text


def test_a_large_sweep_fans_out_through_dispatch_tasks_and_still_sends_each_reminder_once(
    forwarded, monkeypatch, django_capture_on_commit_callbacks
):
    from escalation import sweep

    monkeypatch.setattr(sweep, "FANOUT_THRESHOLD", 0)
    monkeypatch.setattr(sweep, "FANOUT_CHUNK", 1)
    Clock.objects.filter(complaint=forwarded).update(next_reminder_at=at("2025-10-01 09:00"))
    with time_machine.travel(at("2025-10-10 09:05"), tick=False), django_capture_on_commit_callbacks(execute=True):
        claimed = claim_due_reminders()
    assert len(claimed) == 2
    assert sorted(Reminder.objects.values_list("status", flat=True)) == ["sent", "sent"]
    # Both clocks of the one complaint in one message (issue 24 part 4), which each took.
    [message] = mail.outbox
    assert message.subject.endswith("2 deadlines need you")
    assert len(set(Reminder.objects.values_list("email", flat=True))) == 1


def test_the_orm_claim_path_claims_each_due_clock_once(forwarded):
    # The path SQLite takes (PostgreSQL claims in one statement); run here on any database.

    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        claimed = _claim_with_orm(timezone.now(), 100)
        assert list(Reminder.objects.filter(pk__in=claimed).values_list("clock__kind", "kind", "seq")) == [
            ("first_response", "due_tomorrow", 1)
        ]
        assert _claim_with_orm(timezone.now(), 100) == []
    assert Reminder.objects.count() == 1


def test_the_orm_claim_skips_a_clock_claimed_since_it_was_read(forwarded):

    with time_machine.travel(at("2025-10-10 09:05"), tick=False):
        now = timezone.now()
        due = list(
            Clock.objects.filter(next_reminder_at__lte=now).values_list("pk", "next_reminder_kind", "reminder_seq")
        )
        assert len(_claim_clocks(due, now)) == 1  # another sweep got there first
        assert _claim_clocks(due, now) == []  # the same, now stale, reading
    assert Reminder.objects.count() == 1
