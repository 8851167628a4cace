"""A worker killed at the worst moment of a send (issue 25 part 2): the SMTP server has
accepted the message, the worker dies before it hears "250" and marks the row sent.

SMTP cannot make this exactly-once: the server holds a message the outbox does not
know was delivered, so the row is tried again once the dead worker's claim runs out.
What the outbox guarantees is that the copy is recognisable: one Message-ID per outbox
row, stored before the first attempt and reused on every retry, so a mail client (and
the person) sees the same message twice, not two messages. Real parts: PostgreSQL, our
own Redis, a real worker process killed with SIGKILL, an aiosmtpd server on loopback.
"""

import datetime as dt
import email

import pytest
from django.utils import timezone

from core.publishing import forget_broker_failure
from notifications.models import OutboundEmail
from notifications.services import queue_email
from notifications.tasks import resend_pending_email
from tests.conftest import require_postgresql_and_redis
from tests.services import Mailbox, Worker, celery_publishing_to, redis_server, smtp_server, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis()


def test_a_worker_killed_after_the_server_accepted_resends_one_copy_under_the_same_message_id(
    tmp_path, consumer, make_complaint
):
    complaint = make_complaint(consumer, images=0)
    OutboundEmail.objects.all().delete()  # the filing confirmation is not what this test counts
    mailbox = Mailbox()
    with redis_server() as broker_url, celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        worker = Worker(broker_url, smtp_port, tmp_path)
        try:
            mailbox.hold_next(after_accepting=True)
            worker.start()
            row = queue_email(
                template="new_message",
                to="owner@example.com",
                language="zh-hans",
                context={"complaint": complaint, "text": "请补充订单截图。"},
                about=complaint,
            )
            wait_for(mailbox.holding.is_set, 60, "the server to accept the message and the worker to wait for 250")
            worker.kill()
            mailbox.release.set()
            row.refresh_from_db()
            assert row.status == "pending" and row.message_id  # accepted, but the outbox never heard it

            # The dead worker's claim runs out (moved back, as time would) and beat resends it.
            past = timezone.now() - dt.timedelta(hours=1)
            OutboundEmail.objects.filter(pk=row.pk).update(locked_until=past, next_attempt_at=past)
            worker.start()
            forget_broker_failure()
            resend_pending_email()

            def sent():
                row.refresh_from_db()
                return row.status == "sent"

            wait_for(sent, 60, "the retry to be sent")
            resend_pending_email()  # nothing pending any more: nothing more is sent
            wait_for(worker.settled, 60, "the worker to finish every task")
        finally:
            worker.kill()

    copies = [email.message_from_bytes(envelope.content) for envelope in mailbox.messages]
    assert len(copies) == 2  # the copy the killed worker left, and the retry: no third
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == row.message_id
    assert row.attempts == 2
