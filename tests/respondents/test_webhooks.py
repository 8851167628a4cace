"""Webhooks against a real receiver process on loopback: signed per Standard Webhooks,
nothing lost while the receiver is down, a repeat recognisable by its id, a tampered
body refused, an endpoint switched off after a run of failures."""

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from actions.integrations import add_endpoint
from actions.respondents import AnswerValues, answer
from respondents import sending
from respondents.models import Delivery, Member, WebhookEndpoint, WebhookMessage
from tests.services import free_port, wait_for

from .conftest import make_member

pytestmark = pytest.mark.django_db

RECEIVER = Path(__file__).with_name("webhook_receiver.py")


class Receiver:
    def __init__(self, tmp_path, secret, port=None):
        self.port, self.secret = port or free_port(), secret
        self.out = tmp_path / f"received-{self.port}.jsonl"
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, str(RECEIVER), str(self.port), self.secret, str(self.out)])
        wait_for(lambda: _accepts(self.port), 10, "the webhook receiver")
        return self

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"

    def lines(self):
        return [json.loads(line) for line in self.out.read_text().splitlines()] if self.out.exists() else []


def _accepts(port):
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=0.5)
    except requests.ConnectionError:
        return False
    return True


@pytest.fixture
def endpoint_and_secret(pdd_respondent):
    # Registered before the receiver starts: the port is fixed, the process comes later.
    port = free_port()
    endpoint, secret = add_endpoint(pdd_respondent, url=f"http://127.0.0.1:{port}/hooks")
    return endpoint, secret, port


def send_due():
    """What the worker and the sweep do: send every message that is due."""
    for pk in sending.due_message_ids():
        sending.send_message(pk)


def test_a_delivery_and_an_answer_reach_the_receiver_signed(tmp_path, make_complaint, pdd_agent, endpoint_and_secret):
    endpoint, secret, port = endpoint_and_secret
    receiver = Receiver(tmp_path, secret, port).start()
    try:
        complaint = make_complaint()
        delivery = Delivery.objects.get(complaint=complaint)
        answer(delivery, AnswerValues(kind="refunded", message="已退款", amount=Decimal("5")), user=pdd_agent)
        send_due()
        got = receiver.lines()
        assert [line["type"] for line in got] == ["complaint.delivered", "complaint.updated"]
        assert all(line["data"]["reference"] == complaint.reference for line in got)
        # No personal data in the payload: the reference, the status and a link.
        assert complaint.contact_name not in json.dumps(got, ensure_ascii=False)
        assert WebhookMessage.objects.filter(status="delivered").count() == 2
    finally:
        receiver.stop()


def test_nothing_is_lost_while_the_receiver_is_down_and_a_repeat_has_the_same_id(
    tmp_path, make_complaint, endpoint_and_secret
):
    endpoint, secret, port = endpoint_and_secret
    complaint = make_complaint()  # queued while nobody listens
    send_due()
    message = WebhookMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and message.next_attempt_at > timezone.now()
    receiver = Receiver(tmp_path, secret, port).start()
    try:
        WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())  # the backoff is over
        send_due()
        message.refresh_from_db()
        assert message.status == "delivered" and message.attempts == 2
        # At least once: a second send (a worker killed after the POST) carries the same id.
        WebhookMessage.objects.filter(pk=message.pk).update(status="pending", next_attempt_at=timezone.now())
        send_due()
        lines = receiver.lines()
        assert [line["id"] for line in lines] == [message.message_id, message.message_id]
        assert [line["repeat"] for line in lines] == [False, True]
        assert lines[0]["data"]["reference"] == complaint.reference
    finally:
        receiver.stop()


def test_a_tampered_body_fails_verification_at_the_receiver(tmp_path, make_complaint, endpoint_and_secret):
    endpoint, secret, port = endpoint_and_secret
    receiver = Receiver(tmp_path, secret, port).start()
    try:
        make_complaint()
        message = WebhookMessage.objects.get()
        headers = sending.signed_headers(message, secret, timezone.now())
        tampered = sending.body_of(message).replace("forwarded", "resolved").encode()
        assert requests.post(receiver.url, data=tampered, headers=headers, timeout=5).status_code == 400
        genuine = sending.body_of(message).encode()
        assert requests.post(receiver.url, data=genuine, headers=headers, timeout=5).status_code == 200
    finally:
        receiver.stop()


def test_an_endpoint_is_switched_off_after_a_run_of_failures_and_its_managers_are_told(
    make_complaint, endpoint_and_secret, django_user_model, pdd_respondent, settings
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    make_member(django_user_model, pdd_respondent, "boss@pinduoduo.example", role=Member.Role.MANAGER)
    for i in range(3):
        make_complaint(order_number=f"26112300005{i}")
    send_due()  # three messages, nobody listening
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.enabled and endpoint.disabled_at is not None
    from notifications.models import OutboundEmail

    assert (
        OutboundEmail.objects.filter(template="respondent_webhook_disabled", to="boss@pinduoduo.example").count() == 1
    )


def test_the_retry_schedule_spans_three_days_then_gives_up(make_complaint, endpoint_and_secret):
    total = sum(sending.RETRY_SCHEDULE, dt.timedelta())
    assert dt.timedelta(days=2, hours=12) <= total <= dt.timedelta(days=3, hours=12)
    make_complaint()
    # Every scheduled retry used up, nobody listening: the last attempt fails for good.
    WebhookMessage.objects.update(attempts=len(sending.RETRY_SCHEDULE))
    send_due()
    message = WebhookMessage.objects.get()
    assert message.status == "failed" and message.attempts == len(sending.RETRY_SCHEDULE) + 1
    assert sending.due_message_ids() == []
