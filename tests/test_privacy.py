"""The consumer's rights over their data (PIPL): a copy (art. 45), deletion (art. 47),
retention, and evidence files that never outlive their rows."""

import datetime as dt
import io
import json
import logging
import re
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.erasure import NOT_SENT_ERASED, erase_account, erase_complaints, erase_expired
from actions.messages import post_message
from actions.status import transition, withdraw
from complaints import evidence_pipeline
from complaints.models import Complaint, Consent, Evidence
from complaints.states import TERMINAL, Actor, Status
from notifications.models import OutboundEmail
from reading.models import ScreenshotReading
from reading.sharing import choose
from staff.roles import REVIEWER, SUPERVISOR, create_staff_groups

from .conftest import png_upload

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
PASSWORD = "pw-Secret-2026"  # tests.conftest._user
STAFF_NOTE = "内部备注:此用户曾多次投诉"
STAFF_MESSAGE = "请补充物流截图"
CONSUMER_MESSAGE = "已补充聊天记录截图"


@pytest.fixture
def filed(consumer, staff_user, make_complaint):
    """The consumer's complaint with two evidence images, a message each way and an
    internal note, as the services write them."""
    complaint = make_complaint(consumer, images=2)
    post_message(complaint, actor=staff_user, role=Actor.STAFF, text=STAFF_MESSAGE)
    post_message(complaint, actor=consumer, role=Actor.CONSUMER, text=CONSUMER_MESSAGE)
    post_message(complaint, actor=staff_user, role=Actor.STAFF, text=STAFF_NOTE, staff_only=True)
    return complaint


@pytest.fixture
def strangers(other_consumer, make_complaint):
    return make_complaint(
        other_consumer,
        order_number="260101-999999999999999",
        contact_email="stranger@example.com",
        contact_phone="+8613700001111",
        description="另一位消费者的投诉内容,不应出现在别人的数据副本中。",
    )


def evidence_files(owner) -> list[Path]:
    """Where the owner's evidence rows keep their upload, clean copy and thumbnail.
    (Read from the rows, not the owner's folder: SQLite reuses user ids between tests.)"""
    root = Path(storages["evidence"].location)
    rows = Evidence.objects.filter(owner=owner)
    return sorted(root / field.name for e in rows for field in (e.upload, e.file, e.thumbnail) if field.name)


def still_stored(paths) -> list[Path]:
    return [path for path in paths if path.exists()]


def download(client) -> tuple[dict, zipfile.ZipFile]:
    response = client.post(reverse("privacy:copy"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("data.json")), archive


# --- The copy ---------------------------------------------------------------------


def test_the_copy_holds_the_complaint_timeline_consents_emails_and_clean_evidence(client, consumer, filed, strangers):
    client.force_login(consumer)
    data, archive = download(client)

    assert data["account"]["email"] == "owner@example.com"
    assert data["profile"] == {"display_name": "owner", "phone": "+8613912345678", "language": "zh-hans"}
    [complaint] = data["complaints"]
    assert complaint["reference"] == filed.reference
    assert complaint["order_number"] == "260305-123456789012345"
    assert complaint["contact_phone"] == "+8613912345678"
    texts = [event["text"] for event in complaint["timeline"]]
    assert STAFF_MESSAGE in texts and CONSUMER_MESSAGE in texts
    [consent] = data["consents"]
    assert (consent["complaint"], consent["recipient"], consent["text_version"]) == (
        filed.reference,
        "platform",
        "platform-2026-11-v1",
    )
    assert "拼多多" in consent["text"] and consent["given_at"]
    subjects = [email["subject"] for email in data["emails"]]
    assert subjects == [f"[Tousu] 已收到投诉 {filed.reference}", f"[Tousu] 投诉 {filed.reference} 有新消息"]
    assert {email["to"] for email in data["emails"]} == {"owner@example.com"}

    # The clean copies, byte for byte, and nothing else.
    stored = {e.public_id.hex: e.file.read() for e in filed.evidence.all()}
    assert len(stored) == 2
    listed = {item["file"] for item in complaint["evidence"]}
    assert set(archive.namelist()) == {"data.json", "summary.html", *listed}
    for name in listed:
        assert archive.read(name) == stored[Path(name).stem]


def test_the_copy_has_a_summary_a_person_opens_on_a_phone_in_chinese(client, consumer, filed, strangers):
    client.force_login(consumer)
    data, archive = download(client)
    summary = archive.read("summary.html").decode()
    assert '<html lang="zh-hans">' in summary and 'name="viewport"' in summary
    assert "您在 Tousu 的数据" in summary and "您的投诉" in summary
    assert filed.reference in summary and "260305-123456789012345" in summary
    assert STAFF_MESSAGE in summary and CONSUMER_MESSAGE in summary
    assert "拼多多" in summary
    # Its images are the files in the ZIP, by their place in it; nothing loads from elsewhere.
    listed = [item["file"] for item in data["complaints"][0]["evidence"]]
    assert all(f'src="{name}"' in summary for name in listed)
    assert re.findall(r'(?:src|href)="([^"]+)"', summary) and all(
        link in listed for link in re.findall(r'(?:src|href)="([^"]+)"', summary)
    )
    # Nothing of another consumer, and no staff-only note.
    assert "另一位消费者" not in summary and STAFF_NOTE not in summary


def test_the_copy_holds_what_was_read_on_each_screenshot_and_the_sharing_choices(client, consumer, filed, strangers):
    first, second = filed.evidence.order_by("created_at", "id")
    facts = {"order_number": {"value": "260305-123456789012345", "confidence": 0.97}}
    found = [{"kind": "phone", "box": [1, 2, 3, 4]}, {"kind": "address", "box": [5, 6, 7, 8]}]
    ScreenshotReading.objects.filter(evidence=first).update(status="read", facts=facts, personal_data=found)
    ScreenshotReading.objects.filter(evidence=second).delete()  # not read yet
    ScreenshotReading.objects.filter(evidence__complaint=strangers).update(
        status="read", facts={"shop_name": {"value": "别人的店", "confidence": 0.9}}
    )
    choose(complaint=filed, recipient="court", show=True, user=consumer)
    client.force_login(consumer)
    data, _archive = download(client)

    [complaint] = data["complaints"]
    readings = {item["name"]: item["reading"] for item in complaint["evidence"]}
    assert readings[second.original_name] is None
    reading = readings[first.original_name]
    assert (reading["status"], reading["facts"], reading["personal_data_found"]) == (
        "read",
        facts,
        ["address", "phone"],
    )
    assert reading["read_at"]
    [choice] = complaint["personal_data_on_shared_copies"]
    assert (choice["recipient"], choice["shown"]) == ("court", True) and choice["chosen_at"]
    assert "别人的店" not in json.dumps(data, ensure_ascii=False)


def test_the_copy_has_no_other_consumers_data_and_no_staff_only_note(client, consumer, filed, strangers):
    client.force_login(consumer)
    data, archive = download(client)
    text = archive.read("data.json").decode()
    assert STAFF_NOTE not in text
    for private in (strangers.reference, "260101-999999999999999", "stranger@example.com", "+8613700001111"):
        assert private not in text
    assert not any(strangers.reference in name for name in archive.namelist())


def test_the_copy_is_a_post_for_a_signed_in_consumer_only(client, consumer):
    assert client.post(reverse("privacy:copy"))["Location"].startswith(reverse("account_login"))
    client.force_login(consumer)
    assert client.get(reverse("privacy:copy")).status_code == 405


def test_evidence_still_being_checked_is_left_out_of_the_copy(client, consumer, filed):
    filed.evidence.update(state=Evidence.State.PENDING)
    client.force_login(consumer)
    data, archive = download(client)
    assert archive.namelist() == ["data.json", "summary.html"] and data["complaints"][0]["evidence"] == []


# --- Deleting the account -----------------------------------------------------------


def test_a_wrong_password_is_refused_next_to_the_field_and_deletes_nothing(client, consumer, filed):
    client.force_login(consumer)
    files = evidence_files(consumer)
    response = client.post(reverse("privacy:delete"), {"password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["This is not your password."]}
    assert type(consumer).objects.filter(pk=consumer.pk).exists()
    assert len(files) == 4 and all(path.exists() for path in files)  # two clean copies, two thumbnails
    filed.refresh_from_db()
    assert filed.owner == consumer and filed.contact_email == "owner@example.com"


def test_the_wrong_password_message_is_in_chinese_by_default(client, consumer):
    client.force_login(consumer)
    response = client.post(reverse("privacy:delete"), {"password": "wrong"})
    assert response.context["form"].errors["password"] == ["这不是您的密码。"]


def test_deleting_the_account_erases_files_personal_data_emails_and_sessions(
    client, consumer, filed, strangers, django_capture_on_commit_callbacks
):
    transition(filed, Status.IN_REVIEW, actor=None, role=Actor.STAFF)
    other_device = Client()
    other_device.force_login(consumer)
    client.force_login(consumer)
    files = evidence_files(consumer)
    stranger_files = evidence_files(strangers.owner)
    assert len(still_stored(files)) == 4 and len(still_stored(stranger_files)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert still_stored(files) == []
    assert not Evidence.objects.filter(complaint=filed).exists()
    filed.refresh_from_db()
    assert filed.status == Status.IN_REVIEW  # kept, for the statistics
    assert filed.owner is None
    assert filed.contact_name == ""
    assert filed.contact_phone == ""
    assert filed.contact_email == ""
    assert filed.order_number == ""
    assert filed.shop_name == ""
    assert filed.description == ""
    assert filed.desired_outcome_detail == ""
    assert filed.personal_data_erased_at is not None
    assert (filed.platform.slug, filed.category, str(filed.amount)) == ("pinduoduo", "quality", "129.90")
    assert set(filed.events.values_list("text", flat=True)) == {""}
    assert not Consent.objects.filter(complaint=filed).exists()
    for email in OutboundEmail.objects.filter(complaint=filed):
        assert (email.to, email.subject, email.body_text, email.body_html) == ("", "", "", "")
    assert not OutboundEmail.objects.filter(to__iexact="owner@example.com").exists()
    # Signed out everywhere, and gone.
    assert not type(consumer).objects.filter(pk=consumer.pk).exists()
    assert not EmailAddress.objects.filter(email="owner@example.com").exists()
    assert authenticate(username="owner@example.com", password=PASSWORD) is None
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(consumer.pk)]
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    # Nobody else's data was touched.
    strangers.refresh_from_db()
    assert strangers.contact_email == "stranger@example.com" and strangers.evidence.count() == 1
    assert still_stored(stranger_files) == stranger_files


def test_erasing_twice_changes_nothing_more(consumer, filed, django_capture_on_commit_callbacks):

    with django_capture_on_commit_callbacks(execute=True):
        assert erase_account(consumer) is True
    assert erase_account(consumer) is False
    assert erase_complaints([filed.pk]) == 0


def test_an_open_complaint_erased_sends_no_more_email(consumer, staff_user, filed):

    erase_account(consumer)
    before = OutboundEmail.objects.count()
    post_message(Complaint.objects.get(pk=filed.pk), actor=staff_user, role=Actor.STAFF, text="还在吗?")
    assert OutboundEmail.objects.count() == before


def test_an_unsent_email_is_cancelled_when_erased(consumer, filed):

    assert OutboundEmail.objects.filter(complaint=filed, status="pending").exists()
    erase_account(consumer)
    assert set(OutboundEmail.objects.filter(complaint=filed).values_list("status", "last_error")) == {
        ("failed", NOT_SENT_ERASED)
    }


# --- From the staff side --------------------------------------------------------------


def test_a_superuser_deleting_a_consumer_in_the_admin_erases_them_and_their_files(
    client, django_user_model, consumer, filed, django_capture_on_commit_callbacks
):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-2026")
    client.force_login(admin)
    files = evidence_files(consumer)
    assert len(still_stored(files)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:auth_user_delete", args=[consumer.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not django_user_model.objects.filter(pk=consumer.pk).exists()
    assert still_stored(files) == []
    filed.refresh_from_db()
    assert filed.owner is None and filed.contact_phone == "" and filed.description == ""


def staff_member(django_user_model, email, group):
    user = django_user_model.objects.create_user(email, email, "pw-Staff-2026", is_staff=True)
    user.groups.add(create_staff_groups()[group])
    return user


def erase_from_the_queue(client, complaint, *, confirm):
    data = {"action": "erase_consumers", "_selected_action": [complaint.pk]}
    if confirm:
        data["confirm_erase"] = "1"
    return client.post(reverse("admin:complaints_complaint_changelist"), data)


def test_a_supervisor_erases_a_consumer_from_the_complaint_queue_after_confirming(
    client, django_user_model, consumer, filed, django_capture_on_commit_callbacks
):
    client.force_login(staff_member(django_user_model, "boss@example.com", SUPERVISOR))
    files = evidence_files(consumer)
    page = erase_from_the_queue(client, filed, confirm=False)
    assert page.status_code == 200 and "admin/privacy/confirm_erase.html" in [t.name for t in page.templates]
    assert django_user_model.objects.filter(pk=consumer.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        erase_from_the_queue(client, filed, confirm=True)
    assert not django_user_model.objects.filter(pk=consumer.pk).exists()
    assert len(files) == 4 and still_stored(files) == []
    filed.refresh_from_db()
    assert filed.contact_email == "" and filed.owner is None


def test_a_reviewer_cannot_erase_a_consumer(client, django_user_model, consumer, filed):
    client.force_login(staff_member(django_user_model, "rev@example.com", REVIEWER))
    erase_from_the_queue(client, filed, confirm=True)
    assert django_user_model.objects.filter(pk=consumer.pk).exists()
    filed.refresh_from_db()
    assert filed.contact_email == "owner@example.com"


# --- Evidence files follow their rows -------------------------------------------------


def test_deleting_a_complaint_removes_its_evidence_files_through_the_cascade(
    consumer, filed, django_capture_on_commit_callbacks
):
    paths = evidence_files(consumer)
    assert len(still_stored(paths)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        Complaint.objects.filter(pk=filed.pk).delete()
    assert still_stored(paths) == []


def test_a_rolled_back_delete_keeps_the_files(consumer, filed, django_capture_on_commit_callbacks):
    from django.db import transaction

    paths = evidence_files(consumer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Evidence.objects.filter(complaint=filed).delete()
        raise RuntimeError
    assert callbacks == [] and len(still_stored(paths)) == 4


# --- Retention ------------------------------------------------------------------------

T0 = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SH)


@pytest.fixture
def closed_long_ago(consumer, other_consumer, make_complaint):
    """Built inside frozen time: one complaint withdrawn at T0, one left open since T0
    (resolved or not, nobody touched it), and one the consumer still wrote on ten days
    before the retention period ran out."""
    with time_machine.travel(T0, tick=False):
        withdrawn = make_complaint(consumer)
        withdraw(withdrawn, actor=consumer)
        left_open = make_complaint(other_consumer, contact_email="stranger@example.com")
        active = make_complaint(other_consumer, images=0, contact_email="stranger@example.com")
    with time_machine.travel(T0 + dt.timedelta(days=1085), tick=False):
        post_message(active, actor=other_consumer, role=Actor.CONSUMER, text="还没有退款")
    return withdrawn, left_open, active


def test_retention_erases_every_complaint_inactive_for_retention_days_whatever_its_status(
    closed_long_ago, settings, caplog, django_capture_on_commit_callbacks, consumer
):
    withdrawn, left_open, active = closed_long_ago
    assert settings.RETENTION_DAYS == 1095
    caplog.set_level(logging.INFO, logger="privacy.retention")
    files = evidence_files(consumer)
    assert len(still_stored(files)) == 2
    with time_machine.travel(T0 + dt.timedelta(days=1095, seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert erase_expired() == 2
        assert erase_expired() == 0  # safe to run twice
    for gone in (withdrawn, left_open):
        gone.refresh_from_db()
        assert gone.owner is None and (gone.contact_email, gone.order_number, gone.description) == ("", "", "")
    assert left_open.status not in TERMINAL  # an open complaint nobody touched goes too
    assert still_stored(files) == []
    active.refresh_from_db()
    assert active.personal_data_erased_at is None and active.contact_email == "stranger@example.com"
    messages = [r.getMessage() for r in caplog.records if r.name == "privacy.retention"]
    assert messages[0] == "retention: erased personal data of 2 inactive complaint(s)"
    assert not any("stranger@example.com" in m or consumer.email in m for m in messages)  # counts, never who


def test_the_consumer_is_told_thirty_days_before_and_only_once(closed_long_ago, other_consumer):
    from notifications.models import OutboundEmail

    withdrawn, left_open, active = closed_long_ago
    with time_machine.travel(T0 + dt.timedelta(days=1095 - 30, seconds=1), tick=False):
        erase_expired()
        erase_expired()
    notices = OutboundEmail.objects.filter(template="retention_notice")
    # Once each; the complaint the consumer wrote on recently is not due.
    assert sorted(n.about_id for n in notices) == sorted([withdrawn.pk, left_open.pk])
    from privacy.retention import erase_on

    assert erase_on(T0).isoformat() in notices[0].subject  # the day it will go
    left_open.refresh_from_db()
    assert left_open.personal_data_erased_at is None  # told, not erased yet


def test_retention_runs_daily_from_celery_beat(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-erase-expired"]
    assert entry["task"] == "privacy.tasks.erase_expired_personal_data"
    app.loader.import_default_modules()  # what a worker does at start: find every app's tasks
    assert entry["task"] in app.tasks


def test_evidence_deleted_while_being_sanitised_leaves_no_clean_copy_behind(
    consumer, monkeypatch, django_capture_on_commit_callbacks
):
    """The consumer's data is erased while a worker sanitises one of their uploads: the
    worker's clean copy and thumbnail must not outlive the row."""
    from complaints import images

    staged = evidence_pipeline.stage_evidence(consumer, png_upload())
    real_sanitise = images.sanitise_image

    def erased_meanwhile(data):
        with django_capture_on_commit_callbacks(execute=True):
            Evidence.objects.filter(pk=staged.pk).delete()
        return real_sanitise(data)

    monkeypatch.setattr(evidence_pipeline, "sanitise_image", erased_meanwhile)
    assert evidence_pipeline.process_evidence(staged.pk) == "deleted"
    folder = Path(storages["evidence"].location) / str(consumer.pk)
    assert sorted(folder.glob(f"{staged.public_id.hex}*")) == []


def test_the_profile_page_offers_the_copy_and_the_deletion(client, consumer):
    client.force_login(consumer)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'action="{reverse("privacy:copy")}"' in html and 'method="post"' in html
    assert f'href="{reverse("privacy:delete")}"' in html
    assert "下载我的数据" in html and "注销我的账户" in html


def test_guessing_the_password_on_the_deletion_page_is_rate_limited(client, consumer):
    client.force_login(consumer)
    for _attempt in range(5):
        assert client.post(reverse("privacy:delete"), {"password": "guess"}).status_code == 200
    response = client.post(reverse("privacy:delete"), {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.context["form"].errors["password"] == [
        "Too many attempts. Please wait a few minutes and try again."
    ]
    assert type(consumer).objects.filter(pk=consumer.pk).exists()


def test_an_email_about_someone_elses_complaint_to_my_address_is_neither_copied_nor_erased(
    client, consumer, other_consumer, make_complaint, filed
):
    """Another consumer typed this consumer's address on their complaint: that email is
    the other consumer's record."""
    theirs = make_complaint(other_consumer, contact_email="owner@example.com", images=0)
    email = OutboundEmail.objects.get(complaint=theirs, to="owner@example.com")  # asks to confirm the address
    client.force_login(consumer)
    data, _archive = download(client)
    assert theirs.reference not in json.dumps(data, ensure_ascii=False)

    erase_account(consumer)
    kept = OutboundEmail.objects.get(pk=email.pk)
    assert (kept.to, kept.subject, kept.body_text) == (email.to, email.subject, email.body_text)
    assert kept.subject and kept.body_text


def test_the_deletion_page_warns_of_routes_still_running_and_offers_the_copy_first(client, consumer, staff_user, filed):
    from actions.routes import record_step
    from actions.status import transition
    from escalation.models import Route, StepKind

    for status in (Status.IN_REVIEW, Status.FORWARDED, Status.PLATFORM_RESPONDED):
        transition(filed, status, actor=staff_user, role=Actor.STAFF)
    record_step(filed, Route.REGULATOR, StepKind.FILED, on=timezone.localdate(), actor=consumer, role=Actor.CONSUMER)
    client.force_login(consumer)
    html = client.get(reverse("privacy:delete")).content.decode()
    warning = html[html.index('id="still-open"') :]
    assert filed.reference in warning
    assert "仍在进行：12315投诉（市场监管部门）" in warning
    assert "不会撤回" in warning
    # The copy is offered before the password field that deletes.
    assert html.index(f'action="{reverse("privacy:copy")}"') < html.index('name="password"')


def test_the_deletion_page_has_no_warning_when_nothing_is_open(client, consumer):
    client.force_login(consumer)
    html = client.get(reverse("privacy:delete")).content.decode()
    assert 'id="still-open"' not in html
