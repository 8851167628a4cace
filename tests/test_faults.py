"""Faults while consumers file: the broker down. Real PostgreSQL, Redis, worker and SMTP."""

import contextlib
import subprocess
import time
import uuid

import pytest

from complaints import services
from notifications.models import OutboundEmail
from notifications.tasks import resend_pending_email
from tests.services import Mailbox, Worker, celery_publishing_to, free_port, smtp_server, wait_for

from .conftest import complaint_data, require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    import shutil

    from django.db import connection

    require_service(connection.vendor == "postgresql", "a worker process shares the test database: needs PostgreSQL")
    require_service(bool(shutil.which("redis-server")), "needs redis-server on PATH")


def test_filing_while_redis_is_down_succeeds_and_the_emails_go_out_once_when_it_is_back(consumer, pinduoduo, tmp_path):
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    mailbox = Mailbox()
    with celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        # 1. Redis is down: three consumers file. Each filing commits at once, no error.
        started = time.monotonic()
        filed = [
            services.file_complaint(
                owner=consumer,
                data=complaint_data(pinduoduo),
                evidence=[],
                submission_token=uuid.uuid4(),
                language="zh-hans",
            )
            for _ in range(3)
        ]
        assert time.monotonic() - started < 6  # about a second each at worst
        assert OutboundEmail.objects.filter(status="pending").count() == 3

        # 2. Redis comes back on the same address, with a worker.
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = Worker(broker_url, smtp_port, tmp_path)
        try:
            wait_for(lambda: _redis_up(port), 15, "redis-server")
            worker.start()

            # 3. The periodic resend (Celery beat, every minute) finds the pending emails.
            def delivered():
                resend_pending_email()
                return len(mailbox.messages) >= 3

            wait_for(delivered, 60, "the three confirmation emails")
            time.sleep(2)
            resend_pending_email()  # a later run finds nothing more to send
            time.sleep(2)
        finally:
            worker.kill()
            redis.kill()
            redis.wait(timeout=10)

    assert len(mailbox.messages) == 3
    subjects = sorted(m.content.decode() for m in mailbox.messages)
    for complaint in filed:
        assert sum(complaint.reference in s for s in subjects) == 1
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def _redis_up(port):
    import redis

    with contextlib.suppress(redis.exceptions.ConnectionError):
        return redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1).ping()
