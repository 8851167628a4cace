"""One seam for telling the consumer (actions.notify.tell_consumer) and one class per
transport (notifications.transports): the outbox rows it writes, and who else may
call the outbox directly."""

import ast
import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions import notify
from notifications import transports
from notifications.models import OutboundEmail
from notifications.services import deliver

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_the_consumer_is_told_once_per_transport_in_their_language_about_the_complaint(make_complaint, consumer):
    complaint = make_complaint(consumer)
    [email] = notify.tell_consumer(complaint, "new_message", {"text": "您好"}, dedupe_key="seam:1")
    assert (email.transport, email.to, email.about, email.language) == ("email", consumer.email, complaint, "zh-hans")
    assert "您好" in email.body_text
    # A rerun finds the row the first run stored: one message per moment.
    assert notify.tell_consumer(complaint, "new_message", {"text": "您好"}, dedupe_key="seam:1") == [email]
    assert complaint.emails.filter(template="new_message").count() == 1


def test_a_consumer_with_no_confirmed_address_is_told_nothing(make_complaint, consumer):
    complaint = make_complaint(consumer)
    consumer.emailaddress_set.update(verified=False)
    assert notify.tell_consumer(complaint, "new_message", {"text": "x"}, dedupe_key="seam:2") == []
    assert not OutboundEmail.objects.filter(dedupe_key="seam:2").exists()


def test_a_new_transport_is_one_class_and_one_registration_and_the_outbox_delivers_it(
    make_complaint, consumer, monkeypatch
):
    sent = []

    class Pigeon(transports.Transport):
        name = "pigeon"

        def render(self, template, language, context):
            return transports.Rendered("", f"{template}: {context['text']}")

        def send(self, message):
            sent.append((message.to, message.body_text))
            return 0

    complaint = make_complaint(consumer)
    monkeypatch.setitem(transports.TRANSPORTS, "pigeon", Pigeon())
    monkeypatch.setattr(notify, "consumer_addresses", lambda complaint: {"pigeon": "roof 3"})
    [row] = notify.tell_consumer(complaint, "new_message", {"text": "coo"}, dedupe_key="seam:3")
    assert (row.transport, row.to, row.dedupe_key, row.about, row.status) == (
        "pigeon",
        "roof 3",
        "seam:3:pigeon",
        complaint,
        "pending",
    )
    # The outbox delivers it like an email: claimed once, marked sent, never twice.
    assert deliver(row.pk) == "sent"
    assert deliver(row.pk) == "skipped"
    assert sent == [("roof 3", "new_message: coo")]
    row.refresh_from_db()
    assert row.status == "sent"


# Who may put a message in the outbox without the seam, and why: each writes to someone
# other than the consumer of a complaint, or to an address not confirmed yet on purpose.
DIRECT_OUTBOX_CALLERS = {
    "actions/notify.py": "the seam itself (tell_consumer)",
    "notifications/services.py": "queue_email, the email transport's entry to the outbox",
    "actions/forwarding.py": "the complaint as the platform reads it, to the platform's address",
    "complaints/recipients.py": "the one link that asks an unconfirmed contact address to confirm",
    "channels/services.py": "staff's weekly list of stale directory entries",
    "escalation/digest.py": "staff's daily digest",
    "actions/respondents.py": "a respondent's members (a link, no personal data)",
    "actions/membership.py": "the invited address, and a shop applicant told the decision",
    "respondents/sending.py": "a respondent's managers, when their webhook endpoint is switched off",
    "accounts/adapter.py": "a sign-in or verification code by SMS, to the number being proved",
}


OUTBOX_ENTRIES = {"queue_email", "queue_message"}


def test_only_the_seam_and_messages_to_others_than_the_consumer_call_the_outbox():
    callers = set()
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/")) or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in OUTBOX_ENTRIES
            ):
                callers.add(relative)
    assert callers == set(DIRECT_OUTBOX_CALLERS)


BEFORE = [("notifications", "0004_generic_attachments")]
AFTER = [("notifications", "0005_outbox_generic_subject")]


@pytest.mark.django_db(transaction=True)
def test_the_outbox_migration_keeps_what_each_email_was_about_both_ways(make_complaint, consumer):
    complaint = make_complaint(consumer)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Email = executor.loader.project_state(BEFORE).apps.get_model("notifications", "OutboundEmail")
    fields = {"template": "t", "to": "a@example.com", "language": "zh-hans", "subject": "s", "body_text": "b"}
    about = Email.objects.create(complaint_id=complaint.pk, dedupe_key=f"m:{uuid.uuid4()}", **fields)
    loose = Email.objects.create(complaint_id=None, created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), **fields)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps
    Email, ContentType = (
        after.get_model("notifications", "OutboundEmail"),
        after.get_model("contenttypes", "ContentType"),
    )
    complaint_type = ContentType.objects.get(app_label="complaints", model="complaint")
    assert Email.objects.filter(pk=about.pk, about_type=complaint_type, about_id=complaint.pk).exists()
    assert Email.objects.filter(pk=loose.pk, about_type=None, about_id=None, transport="email").exists()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Email = executor.loader.project_state(BEFORE).apps.get_model("notifications", "OutboundEmail")
    assert Email.objects.get(pk=about.pk).complaint_id == complaint.pk
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_message_sent_again_after_a_worker_died_mid_send_keeps_its_message_id(mailoutbox, make_complaint):
    """The send went out, then the worker died before marking it sent: the retry is a
    copy a mail client can recognise (the same Message-ID, stored before the first try)."""
    from notifications.models import OutboundEmail
    from notifications.services import deliver, queue_message

    complaint = make_complaint()
    mailoutbox.clear()
    context = {"complaint": complaint, "source": "已提交", "target": "审核中", "text": ""}
    email = queue_message(
        transport="email", template="status_changed", to="a@example.com", language="zh-hans", context=context
    )
    assert deliver(email.pk) == "sent"
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.PENDING)  # the lost mark
    assert deliver(email.pk) == "sent"
    ids = [message.extra_headers.get("Message-ID") or message.message()["Message-ID"] for message in mailoutbox]
    assert len(ids) == 2 and ids[0] == ids[1] == OutboundEmail.objects.get(pk=email.pk).message_id
