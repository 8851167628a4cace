"""The email outbox against a real SMTP server on loopback that is down, then back."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail
from tests.services import Mailbox, free_port, smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return port


def _queued(**kwargs):
    return services.queue_email(
        template="new_message",
        to="owner@example.com",
        language="zh-hans",
        context={"complaint": kwargs["complaint"], "text": "请补充订单截图。"},
        about=kwargs["complaint"],
    )


def test_smtp_down_is_retried_with_backoff_and_sent_once_when_it_returns(smtp_settings, consumer, make_complaint):
    email = _queued(complaint=make_complaint(consumer))
    now = timezone.now()

    assert services.deliver(email.pk, now=now) == "retry"  # nothing listens on the port
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > now
    assert email.pk not in services.due_email_ids(now=now)  # not before its backoff

    mailbox = Mailbox()
    later = email.next_attempt_at + dt.timedelta(seconds=1)
    with smtp_server(mailbox, port=smtp_settings):
        assert email.pk in services.due_email_ids(now=later)
        assert services.deliver(email.pk, now=later) == "sent"
        assert services.deliver(email.pk, now=later) == "skipped"  # a second run sends nothing
    email.refresh_from_db()
    assert email.status == "sent" and email.last_error == ""
    assert len(mailbox.messages) == 1


def test_an_email_that_keeps_failing_ends_as_failed_with_its_error_for_staff(smtp_settings, consumer, make_complaint):
    email = _queued(complaint=make_complaint(consumer))
    now = timezone.now()
    outcomes = []
    for _ in range(services.MAX_ATTEMPTS):
        outcomes.append(services.deliver(email.pk, now=now))
        now += dt.timedelta(days=1)
    email.refresh_from_db()
    assert outcomes == ["retry"] * (services.MAX_ATTEMPTS - 1) + ["failed"]
    assert email.status == OutboundEmail.Status.FAILED and email.last_error
    assert email.pk not in services.due_email_ids(now=now)


def test_attachments_go_with_the_email_from_their_bytes_or_from_a_storage_path(consumer, make_complaint):
    from django.core import mail
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    stored = storages["evidence"].save("outbox-test/receipt.pdf", ContentFile(b"%PDF-1.4 stored"))
    try:
        email = services.queue_email(
            template="new_message",
            to="owner@example.com",
            language="zh-hans",
            context={"complaint": make_complaint(consumer), "text": "附件"},
            attachments=[
                services.Attachment("note.txt", "text/plain", b"in the row"),
                services.Attachment("receipt.pdf", "application/pdf", storage="evidence", path=stored),
            ],
        )
        mail.outbox.clear()
        assert services.deliver(email.pk) == "sent"
    finally:
        storages["evidence"].delete(stored)
    [message] = mail.outbox
    assert message.attachments == [
        ("note.txt", "in the row", "text/plain"),
        ("receipt.pdf", b"%PDF-1.4 stored", "application/pdf"),
    ]


def test_an_attachment_is_either_bytes_or_a_storage_path():
    with pytest.raises(ValueError):
        services.Attachment("both.txt", "text/plain", b"x", storage="evidence", path="a/b.txt")
    with pytest.raises(ValueError):
        services.Attachment("neither.txt", "text/plain")
    with pytest.raises(ValueError):
        services.Attachment("no-storage.txt", "text/plain", path="a/b.txt")


def test_a_send_that_hangs_past_the_soft_time_limit_is_a_failed_attempt_retried_later(
    settings, consumer, make_complaint
):
    """The worker's soft limit (notifications.tasks) is the backstop for a call that hangs
    past its own timeout: Celery raises SoftTimeLimitExceeded inside the send, as the
    timer here does, and the send records a failed attempt with its backoff."""
    import signal
    import socket

    from celery.exceptions import SoftTimeLimitExceeded

    from notifications import tasks

    assert max(settings.EMAIL_TIMEOUT, settings.SMS_TIMEOUT) < tasks.DELIVERY_SOFT_LIMIT
    assert tasks.deliver_email.soft_time_limit == tasks.DELIVERY_SOFT_LIMIT
    assert tasks.deliver_email.time_limit > tasks.deliver_email.soft_time_limit

    # An SMTP server that accepts the connection and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent.getsockname()[1], 30
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    email = _queued(complaint=make_complaint(consumer))

    def soft_limit(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        outcome = services.deliver(email.pk, now=timezone.now())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        silent.close()
    assert outcome == "retry"
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "SoftTimeLimitExceeded" in email.last_error
