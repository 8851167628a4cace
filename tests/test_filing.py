"""Filing a complaint through the browser-facing views: form, review, submit."""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.messages import post_message
from complaints import evidence_pipeline
from complaints.models import Complaint, Consent, Evidence, TimelineEvent
from notifications.models import OutboundEmail
from staff.roles import REVIEWER, create_staff_groups

from .conftest import png_upload, process_uploads
from .imagegen import heic_with_gps, image_bytes, jpeg_with_gps

pytestmark = pytest.mark.django_db


def form_post(platform, **overrides):
    data = {
        "platform": platform.pk,
        "category": "bargain",
        "order_number": "２６０３０５－１２３４５６７８９０１２３４５",
        "order_date": "2026-03-05",
        "amount": "¥1,299.00",
        "shop_name": "",
        "description": "砍价进度卡在99.9%,客服说系统正常,但好友助力后进度不再变化。",
        "desired_outcome": "restore_progress",
        "desired_outcome_detail": "",
        "contact_name": "王小明",
        "contact_phone": "139 1234 5678",
        "contact_email": "owner@example.com",
        "platform_consent": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged_in(client, consumer):
    client.force_login(consumer)
    return client


def test_filing_requires_an_account(client):
    response = client.get(reverse("complaints:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_is_prefilled_from_the_profile(logged_in, consumer):
    response = logged_in.get(reverse("complaints:new") + "?platform=taobao")
    form = response.context["form"]
    assert form.initial["contact_email"] == consumer.email
    assert form.initial["contact_phone"] == "139 1234 5678"
    assert form.initial["platform"].slug == "taobao"


def test_review_shows_exactly_what_will_be_stored_and_stores_nothing(logged_in, pinduoduo):
    response = logged_in.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": [png_upload()]}
    )
    assert response.status_code == 200
    assert "complaints/review.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "260305-123456789012345" in html  # normalised
    assert "¥1,299.00" in html
    assert "139 1234 5678" in html
    assert Complaint.objects.count() == 0
    assert Evidence.objects.filter(complaint__isnull=True).count() == 1  # staged, not filed


def test_submit_stores_the_complaint_whole_with_evidence_event_and_email(
    logged_in, consumer, pinduoduo, django_capture_on_commit_callbacks
):
    first = logged_in.post(
        reverse("complaints:new"),
        {**form_post(pinduoduo), "action": "review", "evidence_files": [png_upload("a.png"), png_upload("b.png")]},
    )
    staged = [str(e.public_id) for e in first.context["staged"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            reverse("complaints:new"),
            {**first.context["form"].data.dict(), "evidence": staged, "action": "submit"},
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert re.fullmatch(r"TS-\d{8}-0001", complaint.reference)
    assert complaint.order_number == "260305-123456789012345"
    assert str(complaint.amount) == "1299.00"
    assert complaint.contact_phone == "+8613912345678"
    assert complaint.owner == consumer and complaint.status == "submitted"
    assert sorted(complaint.evidence.values_list("original_name", flat=True)) == ["a.png", "b.png"]
    assert complaint.events.get().kind == TimelineEvent.Kind.SUBMITTED
    email = OutboundEmail.objects.get(template="complaint_submitted")
    assert email.status == "sent"
    assert len(mail.outbox) == 1 and complaint.reference in mail.outbox[0].subject
    assert mail.outbox[0].alternatives and complaint.reference in mail.outbox[0].alternatives[0][0]


def test_submitting_without_the_platform_consent_is_refused_next_to_the_box_and_stores_nothing(logged_in, pinduoduo):
    response = logged_in.post(
        reverse("complaints:new"),
        {**form_post(pinduoduo, platform_consent=""), "action": "submit"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "platform_consent": ["We can only send your complaint to the platform with your consent."]
    }
    html = response.content.decode()
    assert 'value="王小明"' in html  # what was typed is kept
    assert '<span class="consent-recipient">Pinduoduo</span>' in html  # the box names the recipient
    assert Complaint.objects.count() == 0 and Consent.objects.count() == 0


def test_filing_records_the_platform_consent_with_its_text_version_and_time(logged_in, consumer, pinduoduo):
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC), tick=False):
        logged_in.post(reverse("complaints:new"), {**form_post(pinduoduo), "action": "submit"})
        complaint = Complaint.objects.get()
    consent = Consent.objects.get()
    assert (consent.user, consent.complaint, consent.recipient) == (consumer, complaint, "platform")
    assert consent.text_version == "platform-2026-11-v1"
    assert consent.given_at == dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
    assert "拼多多" in consent.text and pinduoduo.website in consent.text  # names the recipient and contact


def test_the_review_step_shows_the_consent_text_naming_the_platform(logged_in, pinduoduo):
    response = logged_in.post(reverse("complaints:new"), {**form_post(pinduoduo), "action": "review"})
    assert "拼多多" in response.context["form"].platform_consent_text()
    assert 'id="review-consent"' in response.content.decode()


def test_a_replayed_submit_does_not_file_twice(logged_in, pinduoduo):
    data = {**form_post(pinduoduo), "action": "submit"}
    first = logged_in.post(reverse("complaints:new"), data)
    second = logged_in.post(reverse("complaints:new"), data)
    assert Complaint.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_fields_get_messages_next_to_them_and_keep_what_was_typed(logged_in, pinduoduo):
    response = logged_in.post(
        reverse("complaints:new"),
        form_post(
            pinduoduo,
            order_number="12345",
            order_date="2099-01-01",
            amount="-5",
            description="太短了",
            contact_phone="12345",
            contact_email="not-an-email",
            platform_consent="",
            action="review",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    errors = response.context["form"].errors
    assert set(errors) == {
        "order_number",
        "order_date",
        "amount",
        "description",
        "contact_phone",
        "contact_email",
        "platform_consent",
    }
    assert "YYMMDD" in errors["order_number"][0]
    html = response.content.decode()
    assert 'value="王小明"' in html  # what was typed is still there
    assert "太短了" in html
    assert Complaint.objects.count() == 0


def test_field_errors_are_in_chinese_by_default(logged_in, pinduoduo):
    response = logged_in.post(reverse("complaints:new"), form_post(pinduoduo, order_date="2099-01-01", action="review"))
    assert "未来" in response.context["form"].errors["order_date"][0]


def test_valid_files_survive_a_form_error_and_bad_files_are_named_with_their_reason(logged_in, pinduoduo):
    fake = SimpleUploadedFile("invoice.png", b"<html>not an image</html>", content_type="image/png")
    response = logged_in.post(
        reverse("complaints:new"),
        {
            **form_post(pinduoduo, description="短"),
            "action": "review",
            "evidence_files": [png_upload("good.png"), fake],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert [e.original_name for e in response.context["staged"]] == ["good.png"]
    assert response.context["file_errors"][0][0] == "invoice.png"
    html = response.content.decode()
    assert "invoice.png" in html and "not a JPEG, PNG, WebP or HEIC image" in html
    assert f'value="{response.context["staged"][0].public_id}"' in html  # carried to the next post


def test_an_eleventh_file_is_refused(logged_in, pinduoduo):
    files = [png_upload(f"s{i}.png") for i in range(11)]
    response = logged_in.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": files}
    )
    assert len(response.context["file_errors"]) == 1
    assert response.context["file_errors"][0][0] == "s10.png"


def test_another_users_uploads_cannot_be_claimed(logged_in, other_consumer, pinduoduo):

    theirs = evidence_pipeline.stage_evidence(other_consumer, png_upload())
    logged_in.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "evidence": [str(theirs.public_id)], "action": "submit"}
    )
    assert Complaint.objects.get().evidence.count() == 0
    assert Evidence.objects.get(pk=theirs.pk).complaint is None


def test_filing_is_rate_limited_per_user(logged_in, pinduoduo, settings):
    settings.RATE_LIMIT_FILING = "2/h"
    codes = [
        logged_in.post(reverse("complaints:new"), {**form_post(pinduoduo), "action": "submit"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_uploaded_gps_metadata_is_gone_from_what_we_serve(logged_in, pinduoduo):
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = logged_in.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "submit", "evidence_files": [upload]}
    )
    evidence = Complaint.objects.get().evidence.get()
    assert evidence.state == "pending"
    assert logged_in.get(evidence.get_absolute_url()).status_code == 404  # nothing served before it is clean
    assert process_uploads() == ["ready"]
    served = logged_in.get(evidence.get_absolute_url())
    body = b"".join(served.streaming_content)
    assert response.status_code == 302
    assert served["Content-Type"] == "image/jpeg"
    assert b"SecretPhoneMaker" not in body and b"GPS" not in body


def test_an_iphone_heic_photo_is_accepted_and_served_as_a_clean_jpeg(logged_in, pinduoduo):
    # The browser may call it anything; the content decides.
    upload = SimpleUploadedFile("IMG_0001.HEIC", heic_with_gps(), content_type="application/octet-stream")
    response = logged_in.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "submit", "evidence_files": [upload]}
    )
    assert response.status_code == 302
    evidence = Complaint.objects.get().evidence.get()
    assert (evidence.state, evidence.original_name) == ("pending", "IMG_0001.HEIC")
    assert process_uploads() == ["ready"]
    served = logged_in.get(evidence.get_absolute_url())
    body = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert body[:3] == b"\xff\xd8\xff"  # a JPEG, not the HEIC as sent
    assert b"SecretPhoneMaker" not in body and b"ftypheic" not in body


class TestFollowingAComplaint:
    def test_my_complaints_lists_only_mine_with_status(self, client, consumer, other_consumer, make_complaint):
        mine = make_complaint(consumer)
        theirs = make_complaint(other_consumer)
        client.force_login(consumer)
        html = client.get(reverse("complaints:mine")).content.decode()
        assert mine.reference in html and theirs.reference not in html
        assert "已提交" in html

    def test_detail_shows_fields_thumbnails_and_timeline(self, client, consumer, make_complaint):
        complaint = make_complaint(consumer, images=2)
        client.force_login(consumer)
        html = client.get(complaint.get_absolute_url()).content.decode()
        assert complaint.order_number in html
        for evidence in complaint.evidence.all():
            assert evidence.get_thumbnail_url() in html
        assert 'id="timeline"' in html

    def test_the_consumer_can_message_add_evidence_and_withdraw(self, client, consumer, make_complaint):
        complaint = make_complaint(consumer, images=1)
        client.force_login(consumer)
        client.post(reverse("complaints:message", args=[complaint.reference]), {"text": "商家今天又拒绝了。"})
        client.post(
            reverse("complaints:add_evidence", args=[complaint.reference]),
            {"evidence_files": [png_upload("later.png")]},
        )
        client.post(reverse("complaints:withdraw", args=[complaint.reference]), {"reason": "已经解决"})
        complaint.refresh_from_db()
        kinds = list(complaint.events.values_list("kind", flat=True))
        assert kinds == ["submitted", "message", "evidence_added", "status_changed"]
        assert complaint.status == "withdrawn"
        assert complaint.evidence.count() == 2

    def test_internal_notes_never_reach_the_consumer_page(self, client, consumer, staff_user, make_complaint):

        complaint = make_complaint(consumer)
        post_message(complaint, actor=staff_user, role="staff", text="内部备注:疑似重复投诉", staff_only=True)
        client.force_login(consumer)
        assert "疑似重复投诉" not in client.get(complaint.get_absolute_url()).content.decode()

    def test_a_withdrawn_complaint_takes_no_more_messages(self, client, consumer, make_complaint):
        complaint = make_complaint(consumer)
        client.force_login(consumer)
        client.post(reverse("complaints:withdraw", args=[complaint.reference]))
        client.post(reverse("complaints:message", args=[complaint.reference]), {"text": "还在吗?"})
        assert not complaint.events.filter(kind="message").exists()

    def test_an_empty_message_is_refused_next_to_the_field(self, client, consumer, make_complaint):
        complaint = make_complaint(consumer)
        client.force_login(consumer)
        response = client.post(reverse("complaints:message", args=[complaint.reference]), {"text": ""})
        assert response.status_code == 400 and response.context["message_form"].errors["text"]


class TestPrivacy:
    """Owner, another consumer, an anonymous visitor and staff, for every private URL."""

    def urls(self, complaint):
        evidence = complaint.evidence.first()
        return [
            complaint.get_absolute_url(),
            evidence.get_absolute_url(),
            evidence.get_thumbnail_url(),
        ]

    def test_another_consumer_gets_404_everywhere(self, client, consumer, other_consumer, make_complaint):
        complaint = make_complaint(consumer)
        client.force_login(other_consumer)
        assert [client.get(url).status_code for url in self.urls(complaint)] == [404, 404, 404]
        for name in ("complaints:message", "complaints:withdraw", "complaints:add_evidence"):
            assert client.post(reverse(name, args=[complaint.reference]), {"text": "hi"}).status_code == 404
        assert Complaint.objects.get(pk=complaint.pk).status == "submitted"

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, consumer, make_complaint):
        complaint = make_complaint(consumer)
        for url in self.urls(complaint):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_owner_and_a_reviewer_see_evidence_with_nosniff_our_content_type_and_no_store(
        self, client, consumer, django_user_model, make_complaint
    ):
        reviewer = django_user_model.objects.create_user("rev", "rev@tousu.example", "pw-1", is_staff=True)
        reviewer.groups.add(create_staff_groups()[REVIEWER])
        complaint = make_complaint(consumer)
        evidence = complaint.evidence.get()
        in_the_admin = [
            reverse(f"admin:complaints_complaint_evidence{suffix}", args=[complaint.pk, evidence.public_id])
            for suffix in ("", "_thumbnail")
        ]
        # The owner through the consumer URLs; staff through the admin's (logged).
        for user, urls in ((consumer, self.urls(complaint)[1:]), (reviewer, in_the_admin)):
            client.force_login(user)
            # The sanitised copy keeps the upload's format (PNG here); thumbnails are JPEG.
            for url, content_type in zip(urls, ("image/png", "image/jpeg"), strict=True):
                response = client.get(url)
                assert response.status_code == 200
                assert response["X-Content-Type-Options"] == "nosniff"
                assert response["Content-Type"] == content_type
                # The admin adds never_cache's directives to ours: private and no-store hold either way.
                assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}

    def test_staff_without_a_role_get_404_for_complaint_and_evidence(
        self, client, staff_user, consumer, make_complaint
    ):
        complaint = make_complaint(consumer)
        client.force_login(staff_user)
        assert [client.get(url).status_code for url in self.urls(complaint)] == [404, 404, 404]

    def test_evidence_is_reachable_only_through_the_checked_view(self, client, settings, consumer, make_complaint):
        complaint = make_complaint(consumer)
        evidence = complaint.evidence.get()
        assert evidence.get_absolute_url() == f"/complaints/evidence/{evidence.public_id}/"
        for guess in (f"/media/{evidence.file.name}", f"/static/{evidence.file.name}", f"/{evidence.file.name}"):
            assert client.get(guess).status_code == 404

    def test_unclaimed_uploads_are_purged_with_their_files(self, consumer, django_capture_on_commit_callbacks):
        import datetime as dt
        import os

        staged = evidence_pipeline.stage_evidence(consumer, SimpleUploadedFile("x.png", image_bytes("PNG")))
        upload_path = staged.upload.path
        process_uploads()
        staged.refresh_from_db()
        paths = [staged.file.path, staged.thumbnail.path]
        assert not os.path.exists(upload_path)  # the raw upload goes once the clean copy exists
        assert all(os.path.exists(path) for path in paths)
        with django_capture_on_commit_callbacks(execute=True):  # the files go once the delete commits
            assert evidence_pipeline.purge_unclaimed_evidence(older_than=dt.timedelta(0)) == 1
        assert not Evidence.objects.filter(pk=staged.pk).exists()
        assert not any(os.path.exists(path) for path in paths)
