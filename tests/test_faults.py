"""Faults while consumers file: the broker down. Real PostgreSQL, Redis, worker and SMTP."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, Evidence
from complaints.tasks import process_pending_evidence
from core.publishing import forget_broker_failure
from notifications.models import OutboundEmail
from notifications.tasks import resend_pending_email
from tests.services import Mailbox, Worker, celery_publishing_to, free_port, redis_server, smtp_server, wait_for

from .conftest import png_upload, require_postgresql_and_redis
from .test_filing import form_post

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis()


def test_filing_while_redis_is_down_succeeds_and_emails_and_images_are_done_once_when_it_is_back(
    client, consumer, pinduoduo, tmp_path
):
    """Consumers file through the form, each with three screenshots, while Redis is
    down: every filing succeeds at once and nothing is served unsanitised. Once Redis
    is back, the periodic catch-ups (Celery beat, every minute) hand the confirmation
    emails and the image processing to a real worker, and each is done exactly once."""
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    mailbox = Mailbox()
    client.force_login(consumer)
    with celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        # 1. Redis is down: three complaints are filed, with three screenshots each.
        started = time.monotonic()
        responses = [
            client.post(
                reverse("complaints:new"),
                {
                    **form_post(pinduoduo),
                    "action": "submit",
                    "evidence_files": [png_upload(f"shot{i}.png") for i in range(3)],
                },
            )
            for _ in range(3)
        ]
        elapsed = time.monotonic() - started
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert all("/complaints/TS-" in r["Location"] for r in responses)
        # The first publish gives up after about a second; the rest skip the dead broker.
        assert elapsed < 5, elapsed
        filed = list(Complaint.objects.all())
        assert len(filed) == 3
        assert OutboundEmail.objects.filter(status="pending").count() == 3
        assert Evidence.objects.filter(state="pending", complaint__isnull=False).count() == 9
        pending = Evidence.objects.first()
        assert client.get(pending.get_thumbnail_url()).status_code == 404  # never served unsanitised

        # 2. Redis comes back on the same address, with a worker.
        worker = Worker(broker_url, smtp_port, tmp_path)
        with redis_server(port):
            try:
                worker.start()
                forget_broker_failure()  # this test process also plays Celery beat

                # 3. The periodic catch-ups find the pending emails and uploads (the uploads
                # once they are half a minute old, here by moving their upload time back).
                Evidence.objects.update(created_at=timezone.now() - dt.timedelta(minutes=1))

                def caught_up():
                    resend_pending_email()
                    process_pending_evidence()
                    return len(mailbox.messages) >= 3 and not Evidence.objects.filter(state="pending").exists()

                wait_for(caught_up, 90, "the three confirmation emails and nine screenshots")
                wait_for(worker.settled, 60, "the worker to finish every task")
                assert resend_pending_email() == 0 and process_pending_evidence() == 0  # nothing more to do
            finally:
                worker.kill()

    assert len(mailbox.messages) == 3
    subjects = sorted(m.content.decode() for m in mailbox.messages)
    for complaint in filed:
        assert sum(complaint.reference in s for s in subjects) == 1
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Evidence.objects.values_list("state", flat=True)) == {"ready"}
    # Each screenshot processed once: one clean copy and one thumbnail each, no raw upload left.
    root = Path(Evidence._meta.get_field("file").storage.location)
    owner_files = sorted(path.name for path in (root / str(consumer.pk)).iterdir())
    assert len(owner_files) == 18 and not any(name.endswith(".upload") for name in owner_files)
    served = client.get(pending.get_thumbnail_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
