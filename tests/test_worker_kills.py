"""A Celery worker killed (SIGKILL) in the middle of a task, 20 times: afterwards every
deadline reminder is delivered and every uploaded screenshot sanitised, none twice.

Real parts only: PostgreSQL, our own Redis, real worker processes and an aiosmtpd
server on loopback. Each kill lands inside a task for certain: half while the worker
is in the middle of an SMTP conversation (the server holds the message, then refuses
it once the worker is dead), half while it holds an upload it is sanitising. Between
kills the test does what time and Celery beat would do: the dead worker's claims run
out (timestamps moved back) and the catch-up sweeps hand the work out again.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from actions.reminders import sweep
from actions.status import PlatformReached, transition
from complaints import evidence_pipeline
from complaints.models import Evidence
from complaints.states import Actor, Status
from complaints.tasks import process_pending_evidence
from core.publishing import forget_broker_failure
from escalation.models import Reminder
from notifications.models import OutboundEmail
from notifications.tasks import resend_pending_email
from tests.conftest import platform, require_postgresql_and_redis
from tests.imagegen import screenshot_png
from tests.services import Mailbox, Worker, celery_publishing_to, redis_server, smtp_server, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KILLS_WHILE_SENDING = 10
KILLS_WHILE_SANITISING = 10
REMINDERS = 6
SCREENSHOTS = 6


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis()


@pytest.fixture
def overdue_reminders(consumer, make_complaint):
    """REMINDERS complaints forwarded to Pinduoduo 15 days ago, each with one overdue clock."""
    from escalation.policies import load_policies

    for slug in ("pinduoduo", "taobao", "tmall"):
        platform(slug)
    load_policies()
    forwarded = timezone.now() - dt.timedelta(days=15)
    made = []
    for _ in range(REMINDERS):
        complaint = make_complaint(consumer, images=0)
        transition(
            complaint,
            Status.FORWARDED,
            actor=consumer,
            role=Actor.CONSUMER,
            reached=PlatformReached("app", at=forwarded),
        )
        complaint.clocks.filter(kind="resolution").delete()
        made.append(complaint)
    OutboundEmail.objects.all().delete()  # the filing confirmations are not what this test counts
    return made


def let_the_dead_workers_claims_run_out():
    past = timezone.now() - dt.timedelta(hours=1)
    OutboundEmail.objects.filter(status="pending").update(locked_until=past, next_attempt_at=past)
    Reminder.objects.filter(status="pending").update(enqueued_at=past)
    Evidence.objects.filter(state="pending").update(processing_until=past, created_at=past)


def hand_out_everything_pending():
    """What Celery beat runs every minute or so."""
    forget_broker_failure()
    sweep()
    resend_pending_email()
    process_pending_evidence()


def upload_held_mid_sanitising():
    """An upload a worker has claimed and not finished: if the worker is dead, it died there."""
    return Evidence.objects.filter(state="pending", processing_until__gt=timezone.now()).first()


def test_a_worker_killed_mid_task_twenty_times_loses_no_reminder_or_image_and_does_none_twice(
    consumer, overdue_reminders, tmp_path
):
    mailbox = Mailbox()
    with redis_server() as broker_url, celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        worker = Worker(broker_url, smtp_port, tmp_path)
        try:
            # The reminders are claimed and handed to the broker; no worker runs yet.
            assert sweep()["claimed"] == REMINDERS

            # 1. Killed while sending: the SMTP server holds the message, the worker dies.
            for _ in range(KILLS_WHILE_SENDING):
                mailbox.hold_next()
                worker.start()
                hand_out_everything_pending()
                wait_for(mailbox.holding.is_set, 60, "the worker to be in the middle of sending")
                worker.kill()
                mailbox.release.set()
                let_the_dead_workers_claims_run_out()
            assert mailbox.messages == []  # every attempt so far died mid-conversation

            # 2. Killed while sanitising: uploads the worker holds when it dies.
            for index in range(SCREENSHOTS):
                evidence_pipeline.stage_evidence(consumer, _screenshot(index))
            kills, attempts = 0, 0
            while kills < KILLS_WHILE_SANITISING:
                attempts += 1
                assert attempts <= 3 * KILLS_WHILE_SANITISING, "could not catch the worker mid-image"
                worker.start()
                hand_out_everything_pending()
                held = wait_for(upload_held_mid_sanitising, 60, "the worker to claim an upload", interval=0.002)
                worker.kill()
                held.refresh_from_db()
                # Counted only if the worker died with the upload still unfinished in its hands.
                kills += held.state == Evidence.State.PENDING and held.processing_until > timezone.now()
                let_the_dead_workers_claims_run_out()

            # 3. A worker that is left alone finishes everything.
            worker.start()

            def all_done():
                hand_out_everything_pending()
                return (
                    not Reminder.objects.filter(status="pending").exists()
                    and not Evidence.objects.filter(state="pending").exists()
                )

            wait_for(all_done, 120, "every reminder and screenshot to be done")
            hand_out_everything_pending()  # nothing more to do: must send nothing more
            wait_for(worker.settled, 60, "the worker to finish every task")
        finally:
            worker.kill()

    # Every reminder delivered exactly once.
    bodies = [message.content.decode() for message in mailbox.messages]
    assert len(bodies) == REMINDERS
    for complaint in overdue_reminders:
        assert sum(complaint.reference in body for body in bodies) == 1
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert max(OutboundEmail.objects.values_list("attempts", flat=True)) >= 2  # killed ones were tried again

    # Every screenshot sanitised exactly once: one clean copy and one thumbnail each, no
    # raw upload and no copy left by a killed attempt.
    evidence = list(Evidence.objects.all())
    assert len(evidence) == SCREENSHOTS and {e.state for e in evidence} == {"ready"}
    stored = sorted(p.name for p in _evidence_dir(consumer).iterdir())
    expected = sorted(
        name for e in evidence for name in (e.file.name.rsplit("/", 1)[-1], e.thumbnail.name.rsplit("/", 1)[-1])
    )
    assert stored == expected
    for item in evidence:
        with item.file.open("rb") as handle:
            image = Image.open(handle)
            image.load()
            assert image.size == (item.width, item.height) and "exif" not in image.info


def _screenshot(index):
    return SimpleUploadedFile(f"shot{index}.png", screenshot_png(seed=index), content_type="image/png")


def _evidence_dir(owner):
    return Path(Evidence._meta.get_field("file").storage.location) / str(owner.pk)
