"""Separate Celery queues: a backlog of screenshots never delays an email.

Real parts only: PostgreSQL, our own Redis, an aiosmtpd server and the two worker
processes the Procfile starts, each consuming the queues its Procfile line names.
"""

import re
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.filing import file_complaint
from complaints import evidence_pipeline
from complaints.models import Evidence
from config.celery import app
from tests.conftest import complaint_data, platform, require_postgresql_and_redis
from tests.imagegen import screenshot_png
from tests.services import ROOT, Mailbox, Worker, all_queues, celery_publishing_to, redis_server, smtp_server, wait_for

SLOW_IMAGES = 100
# A phone screenshot takes about half a second to sanitise: the backlog is close to a minute.
EMAIL_WITHIN_SECONDS = 10


def file_and_await_confirmation(consumer, platform_row, mailbox):
    """File a complaint (no evidence) as the consumer and wait for its confirmation
    email: (complaint, seconds from filing to the email reaching the SMTP server)."""
    filed_at = time.monotonic()
    complaint = file_complaint(
        owner=consumer,
        data=complaint_data(platform_row),
        evidence=[],
        submission_token=uuid.uuid4(),
        language="zh-hans",
    )
    wait_for(lambda: mailbox.messages, EMAIL_WITHIN_SECONDS, "the confirmation email")
    return complaint, time.monotonic() - filed_at


def assert_one_confirmation(mailbox, complaint, waited):
    assert [m.rcpt_tos for m in mailbox.messages] == [[complaint.contact_email]]
    assert complaint.reference in mailbox.messages[0].content.decode()
    assert waited < EMAIL_WITHIN_SECONDS


@pytest.fixture
def _needs_postgresql_and_redis():
    require_postgresql_and_redis()


def procfile_workers() -> dict[str, list[str]]:
    """Each Celery worker line of the Procfile: its process name and the queues it consumes."""
    workers = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if " worker " in command:
            workers[name] = re.search(r"-Q (\S+)", command).group(1).split(",")
    return workers


def test_tasks_are_routed_to_the_images_email_and_default_queues():
    def queue_of(task_name):
        return app.amqp.router.route({}, task_name)["queue"].name

    assert queue_of("complaints.tasks.process_evidence") == "images"
    assert queue_of("complaints.tasks.process_pending_evidence") == "images"
    assert queue_of("notifications.tasks.deliver_email") == "email"
    assert queue_of("notifications.tasks.resend_pending_email") == "email"
    for housekeeping in (
        "escalation.tasks.sweep_deadlines",
        "escalation.tasks.send_reminder",
        "escalation.tasks.send_staff_digest",
        "complaints.tasks.purge_unclaimed_evidence",
        "channels.tasks.email_stale_verifications",
    ):
        assert queue_of(housekeeping) == "celery"


def test_the_procfile_starts_a_worker_for_every_queue_and_images_apart():
    workers = procfile_workers()
    assert workers == {"worker": ["celery", "email"], "images": ["images"], "ocr": ["ocr"]}
    # all_queues() leaves out ocr, which has its own worker (reading screenshots).
    assert sorted(q for queues in workers.values() for q in queues) == sorted([*all_queues(), "ocr"])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_needs_postgresql_and_redis")
def test_a_confirmation_email_goes_out_within_seconds_behind_a_hundred_screenshots(consumer, tmp_path, settings):
    settings.EVIDENCE_MAX_UNCLAIMED = SLOW_IMAGES  # one consumer stages the whole backlog
    pinduoduo = platform("pinduoduo")
    screenshot = screenshot_png()
    mailbox = Mailbox()
    with redis_server() as broker_url, celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        workers = [
            Worker(broker_url, smtp_port, tmp_path, queues=queues, name=name)
            for name, queues in procfile_workers().items()
        ]
        try:
            for worker in workers:
                worker.start()
            # 1. A hundred phone screenshots are uploaded: a hundred sanitising tasks queued.
            for number in range(SLOW_IMAGES):
                evidence_pipeline.stage_evidence(consumer, SimpleUploadedFile(f"shot{number}.png", screenshot))
            wait_for(
                lambda: (
                    Evidence.objects.filter(processing_until__isnull=False).exists()
                    or Evidence.objects.filter(state="ready").exists()
                ),
                30,
                "the images worker to start on the backlog",
            )

            # 2. A consumer files: the confirmation email is out within seconds.
            complaint, waited = file_and_await_confirmation(consumer, pinduoduo, mailbox)
            still_pending = Evidence.objects.filter(state="pending").count()
        finally:
            for worker in workers:
                worker.kill()

    assert_one_confirmation(mailbox, complaint, waited)
    # It did not wait for the backlog: most screenshots were still queued when it went out.
    assert still_pending >= SLOW_IMAGES // 2, still_pending
