"""Each button on the complaint page: its move, its timeline event and its email."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actions.erasure import erase_account
from actions.forwarding import forward
from channels.levels import Level
from channels.models import Body
from complaints.models import Complaint, Evidence, TimelineEvent
from complaints.states import Status
from notifications.models import OutboundEmail
from staff.models import AccessLog
from tests.conftest import platform_email_channel, png_upload

pytestmark = pytest.mark.django_db


def act(client, complaint, name, **data):
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, name])
    return client.post(url, {f"{name}-{key}": value for key, value in data.items()})


def page(client, complaint):
    return client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))


def status_of(complaint):
    return Complaint.objects.values_list("status", flat=True).get(pk=complaint.pk)


def last_event(complaint, **filters):
    return TimelineEvent.objects.filter(complaint=complaint, **filters).order_by("-created_at", "-id").first()


def consumer_emails(complaint, template):
    return list(OutboundEmail.objects.filter(complaint=complaint, template=template).order_by("id"))


@pytest.fixture
def email_channel(pinduoduo):
    return platform_email_channel(pinduoduo)


@pytest.fixture
def in_review(complaint, reviewer, client):
    client.force_login(reviewer)
    assert act(client, complaint, "take").status_code == 302
    return complaint


def test_take_assigns_to_me_and_puts_a_new_complaint_into_review(client, reviewer, complaint):
    client.force_login(reviewer)
    response = act(client, complaint, "take")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assignee == reviewer and complaint.status == Status.IN_REVIEW
    assigned = last_event(complaint, kind=TimelineEvent.Kind.ASSIGNED)
    assert assigned.actor == reviewer and assigned.staff_only
    moved = last_event(complaint, kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert (moved.from_status, moved.to_status, moved.actor, moved.actor_role) == (
        Status.SUBMITTED,
        Status.IN_REVIEW,
        reviewer,
        "staff",
    )
    assert len(consumer_emails(complaint, "status_changed")) == 1


def test_assign_gives_the_complaint_to_another_staff_member(client, reviewer, supervisor, complaint):
    client.force_login(supervisor)
    act(client, complaint, "assign", assignee=reviewer.pk)
    complaint.refresh_from_db()
    assert complaint.assignee == reviewer and complaint.status == Status.SUBMITTED
    event = last_event(complaint, kind=TimelineEvent.Kind.ASSIGNED)
    assert event.actor == supervisor and reviewer.username in event.text and event.staff_only
    assert consumer_emails(complaint, "status_changed") == []


def test_asking_for_more_information_tells_the_consumer_why(client, in_review):
    act(client, in_review, "ask_info", text="请补充订单截图")
    assert status_of(in_review) == Status.NEEDS_INFO
    event = last_event(in_review, kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert event.to_status == Status.NEEDS_INFO and event.text == "请补充订单截图" and not event.staff_only
    email = consumer_emails(in_review, "status_changed")[-1]
    assert "请补充订单截图" in email.body_text and "请补充订单截图" in email.body_html


def test_asking_for_information_needs_a_message(client, in_review):
    response = act(client, in_review, "ask_info", text="")
    assert response.status_code == 400
    assert status_of(in_review) == Status.IN_REVIEW


def test_reject_needs_a_reason_and_the_consumer_is_told(client, in_review):
    act(client, in_review, "reject", text="不属于平台交易纠纷")
    assert status_of(in_review) == Status.REJECTED
    assert last_event(in_review, kind=TimelineEvent.Kind.STATUS_CHANGED).text == "不属于平台交易纠纷"
    assert "不属于平台交易纠纷" in consumer_emails(in_review, "status_changed")[-1].body_text


def test_forward_by_email_sends_the_platform_the_complaint_with_its_evidence_and_starts_the_clocks(
    client, reviewer, make_complaint, consumer, email_channel, django_capture_on_commit_callbacks
):
    call_command("load_deadline_policies", verbosity=0)
    complaint = make_complaint(consumer, images=2)
    client.force_login(reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, complaint, "forward", channel=email_channel.pk, text="已转交平台")
    assert status_of(complaint) == Status.FORWARDED
    moved = last_event(complaint, kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert moved.to_status == Status.FORWARDED and moved.actor == reviewer and moved.text == "已转交平台"
    platform_mail = [m for m in mail.outbox if m.to == ["complaints@pdd.example"]]
    assert len(platform_mail) == 1
    message = platform_mail[0]
    assert complaint.reference in message.subject
    assert complaint.order_number in message.body and complaint.description in message.body
    assert complaint.order_number in message.alternatives[0][0]
    # The date of the consumer's platform consent, from its one record (complaints.Consent).
    consent = complaint.consents.get(recipient="platform")
    agreed = timezone.localtime(consent.given_at).strftime("%Y-%m-%d %H:%M")
    assert f"消费者已于 {agreed} 同意我们向贵方提供以上信息。" in message.body
    assert [(name, ctype) for name, _data, ctype in message.attachments] == [
        ("shot0.png", "image/png"),
        ("shot1.png", "image/png"),
    ]
    platform_email = OutboundEmail.objects.get(complaint=complaint, template="platform_forward")
    assert platform_email.status == OutboundEmail.Status.SENT
    sent = last_event(complaint, kind=TimelineEvent.Kind.NOTE)
    assert sent.staff_only and "complaints@pdd.example" in sent.text
    # escalation's receiver started the platform's clocks from this move.
    assert complaint.clocks.filter(state="running").exists()
    assert Complaint.objects.get(pk=complaint.pk).next_deadline_at is not None


def test_the_platform_email_is_sent_once_however_often_the_task_runs(
    client, reviewer, complaint, email_channel, django_capture_on_commit_callbacks
):
    from notifications.tasks import deliver_email, resend_pending_email

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, complaint, "forward", channel=email_channel.pk)
    email = OutboundEmail.objects.get(complaint=complaint, template="platform_forward")
    mail.outbox.clear()
    assert deliver_email(email.pk) == "skipped"
    resend_pending_email()
    assert [m for m in mail.outbox if m.to == ["complaints@pdd.example"]] == []


def test_a_platform_email_that_keeps_failing_ends_failed_on_the_staff_timeline(
    client, reviewer, complaint, email_channel, settings, django_capture_on_commit_callbacks
):
    from notifications.services import MAX_ATTEMPTS, deliver

    settings.EMAIL_BACKEND = "tests.escalation.failing_backend.RefusingBackend"
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, complaint, "forward", channel=email_channel.pk)
    email = OutboundEmail.objects.get(complaint=complaint, template="platform_forward")
    # The first attempt ran on commit; the outbox's retries do the rest.
    outcomes = [deliver(email.pk, now=timezone.now() + dt.timedelta(days=day)) for day in range(1, MAX_ATTEMPTS)]
    assert outcomes[-1] == "failed" and OutboundEmail.objects.get(pk=email.pk).status == "failed"
    failed = last_event(complaint, kind=TimelineEvent.Kind.NOTE)
    assert failed.staff_only and "complaints@pdd.example" in failed.text


def test_a_platform_response_with_files_past_the_limit_is_refused_next_to_the_field_and_stores_nothing(
    client, reviewer, make_complaint, consumer, email_channel, settings
):
    complaint = make_complaint(consumer, images=settings.EVIDENCE_MAX_FILES)  # 10, the limit
    client.force_login(reviewer)
    act(client, complaint, "forward", channel=email_channel.pk)
    events_before = TimelineEvent.objects.filter(complaint=complaint).count()
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, "respond"])

    response = client.post(url, {"respond-text": "平台同意退款", "respond-files": [png_upload("reply.png")]})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>每条投诉最多 10 个文件。</li>', html)
    assert "平台同意退款" in html  # the text typed is kept
    assert status_of(complaint) == Status.FORWARDED
    assert complaint.evidence.count() == 10
    assert not Evidence.objects.filter(owner=consumer, complaint__isnull=True).exists()  # nothing staged is left
    assert TimelineEvent.objects.filter(complaint=complaint).count() == events_before


def test_a_platform_response_whose_second_file_is_refused_keeps_none_of_its_files(
    client, reviewer, make_complaint, consumer, email_channel
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    complaint = make_complaint(consumer, images=1)
    client.force_login(reviewer)
    act(client, complaint, "forward", channel=email_channel.pk)
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, "respond"])
    not_an_image = SimpleUploadedFile("reply.pdf", b"%PDF-1.4 not an image", content_type="application/pdf")

    client.post(url, {"respond-text": "平台同意退款", "respond-files": [png_upload("reply.png"), not_an_image]})

    assert status_of(complaint) == Status.FORWARDED
    assert complaint.evidence.count() == 1
    assert not Evidence.objects.filter(owner=consumer, complaint__isnull=True).exists()


def test_recording_the_platforms_response_meets_the_first_response_clock_and_keeps_its_files(
    client, reviewer, make_complaint, consumer, email_channel
):
    call_command("load_deadline_policies", verbosity=0)
    complaint = make_complaint(consumer, images=1)
    client.force_login(reviewer)
    act(client, complaint, "forward", channel=email_channel.pk)
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, "respond"])
    response = client.post(url, {"respond-text": "平台同意退款", "respond-files": [png_upload("reply.png")]})
    assert response.status_code == 302
    assert status_of(complaint) == Status.PLATFORM_RESPONDED
    moved = last_event(complaint, kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert moved.to_status == Status.PLATFORM_RESPONDED and moved.text == "平台同意退款"
    assert complaint.evidence.filter(original_name="reply.png").exists()
    assert last_event(complaint, kind=TimelineEvent.Kind.EVIDENCE_ADDED).text == "reply.png"
    assert "平台同意退款" in consumer_emails(complaint, "status_changed")[-1].body_text
    assert complaint.clocks.get(kind="first_response").state == "met"


def test_resolve_then_close(client, reviewer, complaint, email_channel):
    client.force_login(reviewer)
    act(client, complaint, "forward", channel=email_channel.pk)
    act(client, complaint, "resolve", text="已退款")
    assert status_of(complaint) == Status.RESOLVED
    act(client, complaint, "close")
    assert status_of(complaint) == Status.CLOSED
    targets = list(complaint.events.filter(kind="status_changed").values_list("to_status", flat=True))
    assert targets[-2:] == [Status.RESOLVED, Status.CLOSED]
    assert len(consumer_emails(complaint, "status_changed")) == 3


def test_a_message_reaches_the_consumer_and_a_note_stays_internal(client, in_review, consumer):
    act(client, in_review, "message", text="我们正在处理")
    act(client, in_review, "note", text="疑似重复投诉")
    message = last_event(in_review, kind=TimelineEvent.Kind.MESSAGE)
    note = last_event(in_review, kind=TimelineEvent.Kind.NOTE)
    assert not message.staff_only and note.staff_only
    emails = consumer_emails(in_review, "new_message")
    assert len(emails) == 1 and "我们正在处理" in emails[0].body_text
    client.force_login(consumer)
    html = client.get(in_review.get_absolute_url()).content.decode()
    assert "我们正在处理" in html and "疑似重复投诉" not in html


def test_only_moves_the_state_machine_allows_are_offered(client, reviewer, complaint):
    client.force_login(reviewer)
    names = [button["action"].name for button in page(client, complaint).context["buttons"]]
    # Asking for information needs the complaint in review; this one is only submitted.
    assert names == ["take", "assign", "forward", "reject", "message", "note"]
    assert "resolve" not in names and "close" not in names and "respond" not in names
    # A move the machine forbids is refused even when posted directly.
    act(client, complaint, "close")
    assert status_of(complaint) == Status.SUBMITTED


def test_the_complaint_page_shows_fields_evidence_timeline_and_masked_contacts(
    client, reviewer, make_complaint, consumer
):
    complaint = make_complaint(consumer, images=2)
    client.force_login(reviewer)
    html = page(client, complaint).content.decode()
    assert complaint.description in html and complaint.order_number in html
    assert html.count("/thumbnail/") == 2
    assert 'id="timeline"' in html
    assert "139****5678" in html and "+8613912345678" not in html and "owner@example.com" not in html
    # escalation's deadlines and the channels directory are installed apps: always shown.
    assert 'id="deadlines"' in html
    assert '<div class="module staff-channels">' in html


def test_opening_the_full_phone_number_is_logged(client, reviewer, complaint):
    client.force_login(reviewer)
    response = client.post(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, "phone"]))
    assert "+8613912345678" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.complaint, log.field) == (reviewer, complaint, "phone")
    response = client.post(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, "email"]))
    assert "owner@example.com" in response.content.decode()
    assert AccessLog.objects.count() == 2
    # A GET shows nothing and logs nothing.
    client.get(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, "email"]))
    assert AccessLog.objects.count() == 2


def test_bulk_assign_and_bulk_forward_from_the_list(
    client, supervisor, reviewer, make_complaint, consumer, email_channel
):
    first, second = make_complaint(consumer, images=0), make_complaint(consumer, images=0)
    client.force_login(supervisor)
    queue = reverse("admin:complaints_complaint_changelist")
    selected = {"_selected_action": [first.pk, second.pk]}
    response = client.post(queue, {**selected, "action": "assign_selected"})
    assert response.status_code == 200 and "apply" in response.content.decode()
    client.post(queue, {**selected, "action": "assign_selected", "apply": "1", "assignee": reviewer.pk})
    assert set(Complaint.objects.values_list("assignee", flat=True)) == {reviewer.pk}
    client.post(
        queue, {**selected, "action": "forward_selected", "apply": "1", "channel": email_channel.pk, "text": ""}
    )
    assert set(Complaint.objects.values_list("status", flat=True)) == {Status.FORWARDED}
    assert OutboundEmail.objects.filter(template="platform_forward").count() == 2


def _page_queries(client, complaint):
    with CaptureQueriesContext(connection) as queries:
        assert page(client, complaint).status_code == 200
    return len(queries)


def test_the_complaint_page_costs_the_same_number_of_queries_however_long_its_history(
    client, reviewer, make_complaint, consumer, email_channel
):
    client.force_login(reviewer)
    small = make_complaint(consumer, images=1)
    large = make_complaint(consumer, images=3)
    for i in range(10):
        act(client, large, "note", text=f"note {i}")
    page(client, small)
    assert _page_queries(client, small) == _page_queries(client, large)


# --- Forwarding only to an address the directory holds at official or corroborated level.


@pytest.fixture
def seo_article_address(pinduoduo):
    """The address found only in one SEO article (seed file 002_c6ddd7a2fbfd9282.txt)."""
    return platform_email_channel(pinduoduo, Level.UNCONFIRMED, "pinduoduo@service.pinduoduo.com", "seo-email")


def test_the_forward_button_lists_an_unconfirmed_address_disabled_with_the_reason(
    client, in_review, email_channel, seo_article_address
):
    html = client.get(
        reverse("admin:complaints_complaint_change", args=[in_review.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    [select] = re.findall(r'<select name="forward-channel".*?</select>', html, re.S)
    [option] = re.findall(rf'<option value="{seo_article_address.pk}"[^>]*>[^<]*</option>', select)
    assert " disabled" in option
    assert "is only “unconfirmed” in the directory" in option
    [usable] = re.findall(rf'<option value="{email_channel.pk}"[^>]*>', select)
    assert "disabled" not in usable


def test_forwarding_to_an_unconfirmed_address_is_refused_with_the_reason_and_sends_nothing(
    client, in_review, seo_article_address, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    url = reverse("admin:complaints_complaint_act", args=[in_review.pk, "forward"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"forward-channel": seo_article_address.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["buttons"][[b["action"].name for b in response.context["buttons"]].index("forward")][
        "form"
    ].errors["channel"] == [
        "pinduoduo@service.pinduoduo.com is only “unconfirmed” in the directory. A complaint and its evidence are "
        "emailed only to an address the directory holds as official or corroborated."
    ]
    assert status_of(in_review) == Status.IN_REVIEW
    assert not OutboundEmail.objects.filter(template="platform_forward").exists()
    assert [m for m in mail.outbox if m.to == ["pinduoduo@service.pinduoduo.com"]] == []


@pytest.mark.parametrize("level", [Level.UNCONFIRMED, Level.DISPUTED, Level.WRONG])
def test_the_forwarding_service_itself_refuses_an_unconfirmed_address(in_review, reviewer, pinduoduo, level):
    from staff.services import ForwardRefused

    channel = platform_email_channel(pinduoduo, level, "claimed@pdd.example", f"claimed-{level}")
    in_review.refresh_from_db()
    with pytest.raises(ForwardRefused):
        forward(in_review, channel=channel, actor=reviewer)
    assert status_of(in_review) == Status.IN_REVIEW
    assert not OutboundEmail.objects.filter(template="platform_forward").exists()


@pytest.mark.parametrize("level", [Level.OFFICIAL, Level.CORROBORATED])
def test_the_forwarding_service_emails_an_official_or_corroborated_address(in_review, reviewer, pinduoduo, level):

    channel = platform_email_channel(pinduoduo, level, "complaints@pdd.example", f"sure-{level}")
    in_review.refresh_from_db()
    forward(in_review, channel=channel, actor=reviewer)
    assert status_of(in_review) == Status.FORWARDED
    assert OutboundEmail.objects.get(template="platform_forward").to == "complaints@pdd.example"


def test_the_forwarding_service_refuses_another_platforms_channel(in_review, reviewer, taobao):
    from staff.services import ForwardRefused

    channel = platform_email_channel(taobao, Level.OFFICIAL, "complaints@taobao.example", "tb-email")
    Body.objects.filter(pk=channel.body_id).update(platform=taobao)
    channel.refresh_from_db()
    in_review.refresh_from_db()
    with pytest.raises(ForwardRefused):
        forward(in_review, channel=channel, actor=reviewer)
    assert status_of(in_review) == Status.IN_REVIEW


def test_a_complaint_whose_consumer_was_erased_is_not_forwarded(in_review, reviewer, email_channel):
    from staff.services import ForwardRefused, forwarding_refusal

    erase_account(in_review.owner)
    in_review.refresh_from_db()
    assert forwarding_refusal(in_review, email_channel) != ""
    with pytest.raises(ForwardRefused):
        forward(in_review, channel=email_channel, actor=reviewer)
    assert status_of(in_review) == Status.IN_REVIEW
    assert not OutboundEmail.objects.filter(template="platform_forward").exists()


def test_a_complaint_without_the_platform_consent_is_not_forwarded(in_review, reviewer, email_channel):
    from complaints.models import Consent
    from staff.services import ForwardRefused

    Consent.objects.filter(complaint=in_review).delete()
    refused = pytest.raises(ForwardRefused, match="has not agreed to share this complaint with the platform")
    with refused, translation.override("en"):
        forward(in_review, channel=email_channel, actor=reviewer)
    assert status_of(in_review) == Status.IN_REVIEW


def test_forwarding_by_email_waits_for_the_screenshots_to_be_read_by_the_ocr_worker(
    in_review, reviewer, email_channel, django_capture_on_commit_callbacks
):
    """The request that forwards reads nothing: with a screenshot not read yet, the email
    is queued by the ocr worker's task after it has read it (eager here, after commit)."""
    from reading.models import ScreenshotReading

    ScreenshotReading.objects.filter(evidence__complaint=in_review).delete()
    in_review.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        forward(in_review, channel=email_channel, actor=reviewer)
    assert not OutboundEmail.objects.filter(template="platform_forward").exists()
    assert not ScreenshotReading.objects.exists()  # nothing read in the forwarding request
    for callback in callbacks:
        callback()  # after commit: the task on the ocr queue (eager in tests)
    assert ScreenshotReading.objects.filter(evidence__complaint=in_review).exists()
    email = OutboundEmail.objects.get(template="platform_forward")
    assert email.attachments.count() == in_review.evidence.count()


def test_a_screenshot_whose_reading_failed_leaves_wholly_blurred(complaint):
    from core.parties import Party
    from reading.models import ScreenshotReading
    from reading.sharing import shared_copy

    evidence = complaint.evidence.first()
    ScreenshotReading.objects.update_or_create(
        evidence=evidence, defaults={"status": ScreenshotReading.Status.UNREADABLE, "seconds": 0, "personal_data": []}
    )
    with evidence.file.open("rb") as handle:
        original = handle.read()
    copy = shared_copy(evidence, Party.PLATFORM)
    assert copy is not None and copy != original  # never sent clear
