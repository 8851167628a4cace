"""Reminders end to end: PostgreSQL, our own Redis, a real Celery worker process and a
real SMTP server (aiosmtpd) on loopback. Nothing is mocked; the only thing a test
fakes is the passing of time after a crash (it moves claim timestamps back)."""

import datetime as dt
import email
import email.policy
import re
import shutil
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from actions.reminders import sweep
from actions.status import PlatformReached, transition
from complaints.states import Actor, Status
from escalation.models import Reminder
from notifications.models import OutboundEmail
from tests.conftest import require_service
from tests.services import Mailbox, Worker, celery_publishing_to, redis_server, smtp_server, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    require_service(
        connection.vendor == "postgresql", "a worker process shares the test database: needs DATABASE_URL=postgres://"
    )
    require_service(bool(shutil.which("redis-server")), "needs redis-server on PATH")


@pytest.fixture
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def real_broker(redis_url):
    """Point this process's Celery app at our Redis, not eager mode, so the sweep
    publishes for real; restore it afterwards."""
    with celery_publishing_to(redis_url):
        yield redis_url


@pytest.fixture
def overdue_complaints(policies, make_complaint, consumer):
    """Complaints whose consumer complained to Pinduoduo 15 days ago: both clocks overdue."""

    def make(count):
        made = []
        filed = timezone.now() - dt.timedelta(days=15)
        for _ in range(count):
            complaint = make_complaint(images=0)
            transition(
                complaint,
                Status.FORWARDED,
                actor=consumer,
                role=Actor.CONSUMER,
                reached=PlatformReached("app", at=filed),
            )
            made.append(complaint)
        # Emails queued so far (none expected) would muddy the counts.
        OutboundEmail.objects.all().delete()
        return made

    return make


def deliveries(worker) -> list[str]:
    """The outcome of every notifications.tasks.deliver_email the worker ran, from its log."""
    return re.findall(r"deliver_email\[[^\]]+\] succeeded in [^:]+: '(\w+)'", worker.log.read_text())


def reminder_statuses():
    return sorted(Reminder.objects.values_list("status", flat=True))


def test_a_real_worker_delivers_a_reminder_over_smtp_exactly_once(real_broker, overdue_complaints, tmp_path):
    [complaint] = overdue_complaints(1)
    mailbox = Mailbox()
    with smtp_server(mailbox) as smtp_port:
        worker = Worker(real_broker, smtp_port, tmp_path)
        try:
            worker.start()
            # The filing's own confirmation email (deleted by the fixture) was handed out too.
            wait_for(worker.settled, 30, "the worker to finish the filing's tasks")
            before = len(deliveries(worker))
            assert sweep() == {"claimed": 2, "requeued": 0, "asked_again": 0}  # first response and resolution
            wait_for(lambda: reminder_statuses() == ["sent", "sent"], 60, "reminders recorded as sent")
            # A second sweep finds nothing due; a duplicated task message changes nothing.
            assert sweep() == {"claimed": 0, "requeued": 0, "asked_again": 0}
            from escalation.tasks import send_reminder

            duplicates = [send_reminder.apply_async((pk,)).id for pk in Reminder.objects.values_list("pk", flat=True)]
            # Each duplicate finds its reminder already sent and says so.
            assert wait_for(lambda: worker.outcomes(duplicates), 60, "the duplicated tasks") == ["sent", "sent"]
            wait_for(worker.settled, 30, "the worker to finish every task")
        finally:
            worker.kill()
    assert len(mailbox.messages) == 2
    # One delivery attempt per reminder: the outbox's task, never a second sender racing it.
    assert deliveries(worker)[before:] == ["sent", "sent"]
    assert sorted(OutboundEmail.objects.values_list("attempts", flat=True)) == [1, 1]
    assert {tuple(m.rcpt_tos) for m in mailbox.messages} == {(complaint.contact_email,)}
    assert all(complaint.reference.encode() in m.content for m in mailbox.messages)
    # RFC 8058 one-click muting survives the real SMTP backend.
    headers = [email.message_from_bytes(m.content, policy=email.policy.default) for m in mailbox.messages]
    assert [h["List-Unsubscribe-Post"] for h in headers] == ["List-Unsubscribe=One-Click"] * 2
    assert all(re.fullmatch(r"<http://[^>]+/escalation/mute/[^/]+/>", h["List-Unsubscribe"].strip()) for h in headers)


def test_two_concurrent_sweeps_send_each_reminder_once(real_broker, overdue_complaints, tmp_path, monkeypatch):
    from escalation import sweep as sweep_module

    # Small fan-out chunks, so the dispatch tasks (published here, run by the worker) are exercised too.
    monkeypatch.setattr(sweep_module, "FANOUT_THRESHOLD", 5)
    monkeypatch.setattr(sweep_module, "FANOUT_CHUNK", 4)
    overdue_complaints(15)  # 30 due clocks
    mailbox = Mailbox()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run_sweep():
        try:
            barrier.wait(timeout=10)
            results.append(sweep())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with smtp_server(mailbox) as smtp_port:
        worker = Worker(real_broker, smtp_port, tmp_path)
        try:
            worker.start()
            threads = [threading.Thread(target=run_sweep) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not errors, errors
            assert sum(r["claimed"] for r in results) == 30
            wait_for(lambda: reminder_statuses() == ["sent"] * 30, 90, "thirty reminders recorded as sent")
            wait_for(worker.settled, 30, "the worker to finish every task")
        finally:
            worker.kill()
    assert len(mailbox.messages) == 30
    assert Reminder.objects.count() == 30
    assert OutboundEmail.objects.filter(template__startswith="reminder_").count() == 30


def test_a_worker_killed_while_sending_delivers_after_restart_once(real_broker, overdue_complaints, tmp_path):
    [complaint] = overdue_complaints(1)
    complaint.clocks.filter(kind="resolution").delete()  # one reminder keeps the story simple
    mailbox = Mailbox(hold_first=True)
    with smtp_server(mailbox) as smtp_port:
        worker = Worker(real_broker, smtp_port, tmp_path)
        try:
            worker.start()
            assert sweep()["claimed"] == 1
            wait_for(mailbox.holding.is_set, 60, "the worker to start sending")
            worker.kill()
            mailbox.release.set()
            assert mailbox.messages == []
            reminder = Reminder.objects.get()
            assert reminder.status == Reminder.Status.PENDING
            # Time passes: the dead worker's claims (email lock, reminder hand-out) expire.
            past = timezone.now() - dt.timedelta(hours=1)
            OutboundEmail.objects.update(locked_until=past)
            Reminder.objects.update(enqueued_at=past)
            worker.start()
            # The reminder's email is in the outbox: the outbox's resend delivers it, the
            # deadline sweep leaves it alone.
            assert sweep() == {"claimed": 0, "requeued": 0, "asked_again": 0}
            from notifications.tasks import resend_pending_email

            resend_pending_email.apply_async()
            wait_for(lambda: reminder_statuses() == ["sent"], 60, "the reminder recorded as sent after the restart")
            wait_for(worker.settled, 30, "the worker to finish every task")
        finally:
            worker.kill()
    assert len(mailbox.messages) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
