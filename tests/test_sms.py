"""SMS as a transport on the notification seam: the real Aliyun and Tencent SDKs against a
loopback server speaking each provider's API, the consumer's choice and consent, quiet
hours, the stop link and TD replies, receipts."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from accounts import contact
from accounts.models import ContactPreference, PhoneNumber
from actions import notify
from notifications import sms
from notifications.models import OutboundEmail
from notifications.services import deliver, due_email_ids

from .sms_providers import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeProvider

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-12-07 10:00")]

PHONE = "+8613800138000"
CODES = {
    "login_code": "SMS_100001",
    "reminder_due_tomorrow": "SMS_100002",
    "reminder_overdue": "SMS_100003",
    "solved_question": "SMS_100004",
    "respondent_answered": "SMS_100005",
    "info_requested": "SMS_100006",
}


def give_phone_and_choose(user, channels=ContactPreference.Channels.BOTH, phone=PHONE):
    PhoneNumber.objects.create(user=user, phone=phone, verified=True)
    return contact.choose(user, channels)


@pytest.fixture
def sms_files(settings, tmp_path):
    settings.SMS_PROVIDER = "files"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def provider_at(name, httpserver, settings):
    provider = FakeProvider(name)
    httpserver.expect_request("/", method="POST").respond_with_handler(provider.handle)
    settings.SMS_PROVIDER = name
    settings.SMS_ENDPOINT = f"127.0.0.1:{httpserver.port}"
    settings.SMS_PROTOCOL = "http"
    settings.SMS_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.SMS_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
    settings.SMS_SIGN_NAME = "投诉助手"
    settings.SMS_SDK_APP_ID = "1400000001"
    settings.SMS_TEMPLATE_CODES = CODES
    return provider


def test_a_reminder_goes_through_aliyun_signed_with_its_template_code_and_only_its_variables(
    make_complaint, consumer, httpserver, settings
):
    provider = provider_at("aliyun", httpserver, settings)
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    rows = notify.tell_consumer(complaint, "solved_question", {"answer_url": "/x"}, dedupe_key="sms:aliyun")
    [text] = [row for row in rows if row.transport == "sms"]
    assert deliver(text.pk) == "sent"
    [call] = provider.calls
    assert call.signed, "the ACS3-HMAC-SHA256 signature verifies with the key pair"
    assert (call.phone, call.sign_name, call.template) == ("13800138000", "投诉助手", "SMS_100004")
    assert call.params == {"reference": complaint.reference, "stop": contact.stop_token(consumer.pk)}
    text.refresh_from_db()
    assert (text.status, text.provider_message_id) == ("sent", "900619746936498441^0")
    # Exactly once: a second delivery of the same row sends nothing.
    assert deliver(text.pk) == "skipped" and len(provider.calls) == 1


def test_a_reminder_goes_through_tencent_signed_with_its_template_id_and_positional_parameters(
    make_complaint, consumer, httpserver, settings
):
    provider = provider_at("tencent", httpserver, settings)
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    [*_email, text] = notify.tell_consumer(complaint, "respondent_answered", {"answer": None}, dedupe_key="sms:tc")
    assert text.transport == "sms" and deliver(text.pk) == "sent"
    [call] = provider.calls
    assert call.signed, "the TC3-HMAC-SHA256 signature verifies with the key pair"
    assert (call.phone, call.sign_name, call.template) == (PHONE, "投诉助手", "SMS_100005")
    assert call.params == [complaint.reference, contact.stop_token(consumer.pk)]
    assert '"SmsSdkAppId": "1400000001"' in call.raw
    text.refresh_from_db()
    assert text.provider_message_id == "2433:1"


@pytest.mark.parametrize("name", ["aliyun", "tencent"])
def test_a_provider_refusal_is_retried_like_email_and_sent_once_with_no_number_in_the_error(
    name, make_complaint, consumer, httpserver, settings
):
    provider = provider_at(name, httpserver, settings)
    provider.fail_next = 1
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer, ContactPreference.Channels.SMS)
    [text] = [
        r
        for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key=f"r:{name}")
        if r.transport == "sms"
    ]
    assert deliver(text.pk) == "retry"
    text.refresh_from_db()
    assert text.status == "pending" and text.attempts == 1
    assert text.last_error.startswith("SmsSendFailed: ") and "13800138000" not in text.last_error
    # Not due before its backoff; then the resend sweep hands it out and it goes once.
    assert text.pk not in due_email_ids()
    assert text.pk in due_email_ids(now=text.next_attempt_at)
    assert deliver(text.pk, now=text.next_attempt_at) == "sent"
    text.refresh_from_db()
    assert (text.status, text.attempts, len(provider.calls)) == ("sent", 2, 2)
    assert all(call.signed for call in provider.calls)


def test_the_consumer_chooses_sms_email_or_both_and_sms_carries_only_its_message_types(make_complaint, consumer):
    complaint = make_complaint(consumer)
    # No phone, no consent: email only, as before.
    assert [r.transport for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key="c:1")] == ["email"]
    give_phone_and_choose(consumer, ContactPreference.Channels.BOTH)
    assert {r.transport for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key="c:2")} == {
        "email",
        "sms",
    }
    contact.choose(consumer, ContactPreference.Channels.SMS)
    assert [r.transport for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key="c:3")] == ["sms"]
    # A message with no SMS template still goes by email to an "SMS only" consumer.
    assert [r.transport for r in notify.tell_consumer(complaint, "new_message", {"text": "x"}, dedupe_key="c:4")] == [
        "email"
    ]
    # A status change is texted only when it asks for information.
    asked = notify.tell_consumer(
        complaint,
        "status_changed",
        {"source": "", "target": "", "text": "", "target_status": "needs_info"},
        dedupe_key="c:5",
    )
    assert [(r.transport, r.template) for r in asked] == [("sms", "info_requested")]
    moved = notify.tell_consumer(
        complaint,
        "status_changed",
        {"source": "", "target": "", "text": "", "target_status": "in_review"},
        dedupe_key="c:6",
    )
    assert [r.transport for r in moved] == ["email"]


def test_an_unproved_number_gets_no_sms(make_complaint, consumer):
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    PhoneNumber.objects.filter(user=consumer).update(verified=False)
    assert [r.transport for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key="u:1")] == ["email"]


@pytest.mark.frozen_at("2026-12-07 22:30")
def test_no_sms_between_21_and_8_beijing_time_it_waits_for_eight_and_is_not_dropped(
    make_complaint, consumer, sms_files, frozen_clock
):
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer, ContactPreference.Channels.SMS)
    [text] = notify.tell_consumer(complaint, "reminder_overdue", {}, dedupe_key="q:1")
    assert deliver(text.pk) == "held"
    text.refresh_from_db()
    eight = dt.datetime(2026, 12, 8, 8, 0, tzinfo=sms.BEIJING)
    assert (text.status, text.attempts, text.next_attempt_at) == ("pending", 0, eight)
    assert not sms_files.exists()
    frozen_clock.move_to(dt.datetime(2026, 12, 8, 7, 59, tzinfo=sms.BEIJING))
    assert text.pk not in due_email_ids() and deliver(text.pk) == "held"
    frozen_clock.move_to(eight)
    assert text.pk in due_email_ids() and deliver(text.pk) == "sent"
    [written] = sms_files.iterdir()
    assert complaint.reference in written.read_text()


@pytest.mark.parametrize(
    ("local", "held_until"),
    [("20:59", None), ("21:00", "2026-12-08 08:00"), ("03:00", "2026-12-07 08:00"), ("08:00", None)],
)
def test_quiet_hours_edges(local, held_until):
    hour, minute = map(int, local.split(":"))
    now = dt.datetime(2026, 12, 7, hour, minute, tzinfo=sms.BEIJING)
    expected = dt.datetime.fromisoformat(held_until).replace(tzinfo=sms.BEIJING) if held_until else None
    assert sms.quiet_until("reminder_overdue", now) == expected
    assert sms.quiet_until("login_code", now) is None


def test_a_marketing_template_may_not_have_variables():
    with pytest.raises(ValueError):
        sms.SmsTemplate("marketing", ("name",))
    assert all(spec.kind != "marketing" or not spec.variables for spec in sms.TEMPLATES.values())


def test_the_files_backend_writes_each_sms_to_var_sms_and_the_console(make_complaint, consumer, sms_files, capsys):
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    [*_email, text] = notify.tell_consumer(complaint, "reminder_due_tomorrow", {}, dedupe_key="f:1")
    assert deliver(text.pk) == "sent"
    [written] = sms_files.iterdir()
    content = written.read_text()
    assert complaint.reference in content and "退订" in content and contact.stop_token(consumer.pk) in content
    assert complaint.reference in capsys.readouterr().out


def test_the_stop_link_asks_then_stops_sms_and_email_goes_on(client, make_complaint, consumer):
    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    url = reverse("accounts:sms_stop", args=[contact.stop_token(consumer.pk)])
    assert client.get(url).status_code == 200
    assert contact.sms_number_for(consumer) == PHONE  # opening the link changed nothing
    assert client.post(url).status_code == 200
    assert contact.sms_number_for(consumer) == ""
    latest = contact.preference_of(consumer)
    assert (latest.channels, latest.how, latest.text) == ("email", "stop_link", "")
    assert [r.transport for r in notify.tell_consumer(complaint, "solved_question", {}, dedupe_key="s:1")] == ["email"]
    genuine = contact.stop_token(consumer.pk)
    forged = ("0" if genuine[0] != "0" else "1") + genuine[1:]  # the digest altered, the id kept
    assert client.post(reverse("accounts:sms_stop", args=["0" * 20 + str(consumer.pk)])).status_code == 404
    assert client.get(reverse("accounts:sms_stop", args=[forged])).status_code == 404


def test_the_sms_consent_is_stored_with_the_text_shown_and_its_version(client, consumer):
    PhoneNumber.objects.create(user=consumer, phone=PHONE, verified=True)
    client.force_login(consumer)
    refused = client.post(reverse("accounts:profile"), {"save_contact": "1", "channels": "both"})
    assert refused.status_code == 200 and "sms_consent" in refused.context["preference"].errors
    assert not ContactPreference.objects.filter(user=consumer).exists()
    client.post(reverse("accounts:profile"), {"save_contact": "1", "channels": "both", "sms_consent": "on"})
    consent = contact.preference_of(consumer)
    assert (consent.channels, consent.text_version) == ("both", contact.SMS_CONSENT_VERSION)
    assert "138 0013 8000" in consent.text and "TD" in consent.text


def test_sms_without_a_proved_number_is_refused_next_to_the_choice(client, consumer):
    client.force_login(consumer)
    response = client.post(reverse("accounts:profile"), {"save_contact": "1", "channels": "sms", "sms_consent": "on"})
    assert "channels" in response.context["preference"].errors
    assert not ContactPreference.objects.filter(user=consumer).exists()


@pytest.mark.parametrize(
    ("provider", "receipt", "reply"),
    [
        (
            "aliyun",
            [{"phone_number": "13800138000", "success": True, "err_code": "DELIVERED", "biz_id": "B-1^0"}],
            [{"phone_number": "13800138000", "content": "TD", "sign_name": "投诉助手"}],
        ),
        (
            "tencent",
            [
                {
                    "mobile": "13800138000",
                    "nationcode": "86",
                    "report_status": "SUCCESS",
                    "errmsg": "DELIVRD",
                    "sid": "B-1^0",
                }
            ],
            {"mobile": "13800138000", "nationcode": "86", "text": "td ", "sign": "投诉助手", "time": 1},
        ),
    ],
)
def test_receipts_are_recorded_and_a_td_reply_stops_sms(client, settings, consumer, provider, receipt, reply):
    settings.SMS_CALLBACK_TOKEN = "callback-token-long-enough-1234"
    give_phone_and_choose(consumer)
    row = OutboundEmail.objects.create(
        template="solved_question",
        to=PHONE,
        language="zh-hans",
        subject="",
        body_text="x",
        transport="sms",
        provider_message_id="B-1^0",
        status="sent",
    )
    url = reverse("notifications:sms_callback", args=[provider, settings.SMS_CALLBACK_TOKEN])
    response = client.post(url, json.dumps(receipt), content_type="application/json")
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.receipt, row.receipt_at is not None) == ("delivered", True)
    assert client.post(url, json.dumps(reply), content_type="application/json").status_code == 200
    assert contact.sms_number_for(consumer) == ""
    assert contact.preference_of(consumer).how == "sms_reply"
    wrong = reverse("notifications:sms_callback", args=[provider, "not-the-token-at-all-xxxx"])
    assert client.post(wrong, json.dumps(reply), content_type="application/json").status_code == 404


def test_the_data_copy_holds_the_number_and_each_sms_choice_with_its_text(client, consumer):
    import io
    import zipfile

    give_phone_and_choose(consumer)
    contact.stop_sms(consumer, how=ContactPreference.How.STOP_LINK)
    client.force_login(consumer)
    response = client.post(reverse("privacy:copy"))
    data = json.loads(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("data.json"))
    assert data["account"]["phone_number"][0]["phone"] == PHONE
    given, stopped = data["account"]["contact_preferences"]
    assert (given["channels"], given["text_version"], "TD" in given["text"]) == (
        "both",
        contact.SMS_CONSENT_VERSION,
        True,
    )
    assert (stopped["channels"], stopped["how"], stopped["text"]) == ("email", "stop_link", "")


def test_staff_asking_for_information_texts_the_consumer_and_other_moves_do_not(make_complaint, consumer, staff_user):
    from actions.status import transition
    from complaints.states import Actor, Status

    complaint = make_complaint(consumer)
    give_phone_and_choose(consumer)
    transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    assert not complaint.emails.filter(transport="sms").exists()
    transition(complaint, Status.NEEDS_INFO, actor=staff_user, role=Actor.STAFF, text="请补充订单截图")
    [text] = complaint.emails.filter(transport="sms")
    assert (text.template, text.to, text.variables["reference"]) == ("info_requested", PHONE, complaint.reference)
