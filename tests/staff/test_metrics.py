"""/metrics: request metrics and Tousu's own, only with the token or from an allowed address."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from actions.status import PlatformReached, transition
from complaints.states import Actor, Status
from escalation.models import Clock
from escalation.policies import load_policies
from escalation.tasks import sweep_deadlines
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.8.0.0/16"]
    return settings


def scrape(**extra):
    # Prometheus scrapes by address: a Host the site does not serve.
    return Client(HTTP_HOST="10.8.0.3:8000").get("/metrics", **extra)


def value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match, sample
    return float(match.group(1))


def test_metrics_are_a_404_without_the_token_or_an_allowed_address(metrics_settings):
    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert scrape(REMOTE_ADDR="10.9.0.1").status_code == 404


def test_metrics_are_off_when_neither_token_nor_addresses_are_set(settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert scrape(REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_count_filings_emails_overdue_clocks_pending_evidence_and_the_sweep(
    metrics_settings, client, consumer, make_complaint
):
    complaint = make_complaint(consumer, images=2)  # its confirmation email waits in the outbox
    for status in ("sent", "sent", "failed"):
        OutboundEmail.objects.create(template="t", to="x@example.com", language="zh-hans", status=status)
    sweep_deadlines.apply()
    # Forwarded to the platform 15 days ago: its response clock is overdue.
    load_policies()
    transition(
        complaint,
        Status.FORWARDED,
        actor=consumer,
        role=Actor.CONSUMER,
        reached=PlatformReached("app", at=timezone.now() - dt.timedelta(days=15)),
    )
    overdue = Clock.objects.filter(state="running", due_at__lt=timezone.now()).count()
    assert overdue == 2  # first response and resolution
    client.force_login(consumer)
    client.get("/")  # a request for the request metrics

    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert value(text, "tousu_complaints_filed_total") == 1
    assert value(text, 'tousu_emails_total{status="sent"}') == 2
    assert value(text, 'tousu_emails_total{status="failed"}') == 1
    assert value(text, 'tousu_emails_total{status="pending"}') == 1
    assert value(text, "tousu_overdue_clocks") == overdue
    assert value(text, "tousu_evidence_pending") == 0
    assert 0 <= value(text, "tousu_sweep_duration_seconds") < 10
    assert 'tousu_periodic_task_last_success_timestamp_seconds{task="escalation.tasks.sweep_deadlines"}' in text
    assert re.search(r'^django_http_responses_total_by_status_total\{status="200"\} [1-9]', text, re.MULTILINE)
    # No personal data and no identifiers.
    for personal in (consumer.email, complaint.contact_phone, complaint.order_number, complaint.reference):
        assert personal not in text


def test_an_allowed_address_may_scrape_without_the_token(metrics_settings):
    assert scrape(REMOTE_ADDR="10.8.200.7").status_code == 200
