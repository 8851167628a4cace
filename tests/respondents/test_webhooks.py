"""Webhooks to a REAL receiver process (tests/respondents/webhook_receiver.py) that
verifies Standard Webhooks signatures: receiver down then up loses nothing, a repeat
is recognisable by its id, a tampered body fails; the backoff, the disabling after a
run of failures (with an email to the managers), the URL rules."""

import contextlib
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest
import requests
import time_machine
from django.utils import timezone

from actions.respondent_admin import Refused, disable_webhook, enable_webhook, register_webhook, webhook_url_refusal
from actions.respondents import AnswerValues, answer
from devtools.processes import accepts as _accepts
from notifications.models import OutboundEmail
from respondents import sending
from respondents.models import Answer, Delivery, Member, WebhookEndpoint, WebhookMessage

from ..services import free_port, wait_for
from .conftest import make_member

pytestmark = pytest.mark.django_db

RECEIVER = __file__.rsplit("/", 1)[0] + "/webhook_receiver.py"


@contextlib.contextmanager
def receiver(port, secret, record):
    process = subprocess.Popen([sys.executable, RECEIVER, str(port), secret, str(record)])
    try:
        wait_for(lambda: _accepts(port), 10, "the webhook receiver")
        yield
    finally:
        process.kill()
        process.wait(timeout=10)


def received(record):
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


@pytest.fixture
def endpoint(settings, pdd_respondent):
    settings.DEBUG = True  # plain http to loopback, for the receiver on this machine
    port = free_port()
    endpoint, secret = register_webhook(pdd_respondent, url=f"http://127.0.0.1:{port}/hooks")
    endpoint.port = port
    return endpoint


def refund(delivery, agent):
    return answer(
        delivery, AnswerValues(kind=Answer.Kind.REFUNDED, message="已退款", amount=Decimal("129.00")), user=agent
    )


def test_a_receiver_down_then_up_gets_every_event_signed_and_a_repeat_has_the_same_id(
    tmp_path, endpoint, make_complaint, pdd_agent
):
    record = tmp_path / "received.jsonl"
    complaint = make_complaint()
    refund(Delivery.objects.get(complaint=complaint), pdd_agent)
    messages = list(WebhookMessage.objects.filter(endpoint=endpoint).order_by("id"))
    assert [m.event for m in messages] == ["complaint.delivered", "complaint.updated"]
    # Down: nothing listens on the port. Each message waits for its next attempt.
    for message in messages:
        assert sending.send_message(message.pk) == WebhookMessage.Status.PENDING
    assert WebhookMessage.objects.filter(pk=messages[0].pk, attempts=1, last_error="ConnectionError").exists()
    assert sending.due_message_ids() == []  # not due before the backoff
    with receiver(endpoint.port, endpoint.secret, record):
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=6)):
            due = sending.due_message_ids()
            assert sorted(due) == [m.pk for m in messages]
            for pk in due:
                assert sending.send_message(pk) == WebhookMessage.Status.DELIVERED
        got = received(record)
        assert [row["id"] for row in got] == [m.message_id for m in messages]
        assert all(row["verified"] and not row["repeat"] for row in got)
        assert {row["type"] for row in got} == {"complaint.delivered", "complaint.updated"}
        # At least once: the same message sent again (a worker died after the POST) is
        # recognisable as a repeat by its id.
        WebhookMessage.objects.filter(pk=messages[0].pk).update(
            status=WebhookMessage.Status.PENDING, next_attempt_at=timezone.now()
        )
        assert sending.send_message(messages[0].pk) == WebhookMessage.Status.DELIVERED
        repeat = received(record)[-1]
        assert repeat["repeat"] and repeat["verified"]
        assert (repeat["id"], repeat["body"]) == (got[0]["id"], got[0]["body"])
    # The payload holds nothing personal: the reference, the status, a link.
    body = got[0]["body"]
    for personal in (complaint.contact_name, complaint.contact_phone, complaint.contact_email, complaint.description):
        assert personal not in body
    assert complaint.reference in body


def test_a_tampered_body_fails_verification_at_the_receiver(tmp_path, endpoint, make_complaint):
    record = tmp_path / "received.jsonl"
    make_complaint()
    message = WebhookMessage.objects.get(endpoint=endpoint)
    headers = sending.signed_headers(message, endpoint.secret, timezone.now())
    with receiver(endpoint.port, endpoint.secret, record):
        tampered = sending.body_of(message).replace('"forwarded"', '"resolved"')
        assert tampered != sending.body_of(message)
        response = requests.post(endpoint.url, data=tampered.encode(), headers=headers, timeout=5)
        assert response.status_code == 400
        genuine = requests.post(endpoint.url, data=sending.body_of(message).encode(), headers=headers, timeout=5)
        assert genuine.status_code == 204
    rows = received(record)
    assert [row["verified"] for row in rows] == [False, True]
    assert rows[0]["error"] == "No matching signature found"


def test_failures_back_off_for_about_three_days_then_the_message_has_failed(settings, endpoint, make_complaint):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1000
    make_complaint()
    message = WebhookMessage.objects.get(endpoint=endpoint)
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as traveller:
        while sending.send_message(message.pk) == WebhookMessage.Status.PENDING:
            due = WebhookMessage.objects.get(pk=message.pk).next_attempt_at
            waits.append(due - timezone.now())
            traveller.move_to(due)
        total = timezone.now() - start
    assert waits == sending.RETRY_SCHEDULE
    assert dt.timedelta(days=3) <= total < dt.timedelta(days=3, hours=6)
    message.refresh_from_db()
    assert message.status == WebhookMessage.Status.FAILED and message.attempts == len(sending.RETRY_SCHEDULE) + 1


def test_a_run_of_failures_disables_the_endpoint_and_tells_its_managers_once(
    settings, django_user_model, endpoint, make_complaint, pdd_respondent
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    make_member(django_user_model, pdd_respondent, "boss@pinduoduo.example", role=Member.Role.MANAGER)
    for _ in range(4):
        make_complaint(images=0)
    for message in WebhookMessage.objects.filter(endpoint=endpoint).order_by("id"):
        sending.send_message(message.pk)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_at is not None
    emails = OutboundEmail.objects.filter(template="respondent_webhook_disabled")
    assert [e.to for e in emails] == ["boss@pinduoduo.example"]  # managers only, once
    # The fourth was not posted: its endpoint was off. Switching it on sends it again.
    fourth = WebhookMessage.objects.filter(endpoint=endpoint).order_by("id").last()
    assert fourth.status == WebhookMessage.Status.FAILED and fourth.last_error == sending.ENDPOINT_OFF
    assert enable_webhook(endpoint) == 1
    fourth.refresh_from_db()
    assert fourth.status == WebhookMessage.Status.PENDING and fourth.pk in sending.due_message_ids()
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 0


def test_a_disabled_endpoint_gets_no_new_events(endpoint, make_complaint):
    disable_webhook(endpoint)
    make_complaint()
    assert not WebhookMessage.objects.filter(endpoint=endpoint).exists()


@pytest.mark.parametrize(
    ("url", "debug", "allowed"),
    [
        ("https://erp.pinduoduo.example/hooks", False, True),
        ("http://erp.pinduoduo.example/hooks", False, False),
        ("http://erp.pinduoduo.example/hooks", True, False),
        ("http://127.0.0.1:9000/hooks", False, False),
        ("http://127.0.0.1:9000/hooks", True, True),
        ("http://localhost:9000/hooks", True, True),
        ("https://10.0.0.5/hooks", False, False),
        ("https://user:pw@erp.pinduoduo.example/hooks", False, False),
        ("ftp://erp.pinduoduo.example/", False, False),
    ],
)
def test_webhook_urls_are_https_and_plain_http_only_to_loopback_in_debug(settings, url, debug, allowed):
    settings.DEBUG = debug
    assert (webhook_url_refusal(url) is None) is allowed


def test_registering_a_refused_url_makes_no_endpoint(settings, pdd_respondent):
    settings.DEBUG = False
    with pytest.raises(Refused):
        register_webhook(pdd_respondent, url="http://example.com/hooks")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_leaves_after_commit_through_the_send_webhook_task(tmp_path, endpoint, make_complaint, pdd_agent):
    """No manual send: the delivery's transaction commits, queue_event's on_commit runs
    the Celery task (eager in tests), and the receiver has it, verified."""
    record = tmp_path / "received.jsonl"
    with receiver(endpoint.port, endpoint.secret, record):
        complaint = make_complaint(images=0)
        wait_for(lambda: received(record), 10, "the webhook")
    message = WebhookMessage.objects.get(endpoint=endpoint)
    assert message.status == WebhookMessage.Status.DELIVERED and message.attempts == 1
    [row] = received(record)
    assert row["verified"] and row["id"] == message.message_id and complaint.reference in row["body"]
