"""The complaint form and the consumer's screenshots: "fill in from the screenshot"
fills only empty fields (no script needed), and review points out disagreements
without blocking."""

import pytest
from django.urls import reverse

from complaints import evidence_pipeline
from complaints.models import Complaint
from reading.models import ScreenshotReading

from .conftest import png_upload
from .test_filing import form_post

pytestmark = pytest.mark.django_db

READ_FACTS = {
    "platform": {"value": "pinduoduo", "confidence": 0.95},
    "order_number": {"value": "260305-123456789012345", "confidence": 0.99},
    "amount": {"value": "129.00", "confidence": 0.93},
    "ordered_at": {"value": "2026-03-05T14:23:11", "confidence": 0.97},
    "shop_name": {"value": "好物小店", "confidence": 0.5},  # too unsure to use
}


@pytest.fixture
def logged_in(client, consumer):
    client.force_login(consumer)
    return client


@pytest.fixture
def read_screenshot(consumer):
    """A staged upload, sanitised and read (OCR itself is tested in test_reading)."""
    evidence = evidence_pipeline.stage_evidence(consumer, png_upload("order.png"))
    evidence_pipeline.process_evidence(evidence.pk)
    ScreenshotReading.objects.filter(evidence=evidence).update(status=ScreenshotReading.Status.READ, facts=READ_FACTS)
    return evidence


def test_fill_in_fills_only_the_empty_fields_and_marks_them(logged_in, pinduoduo, taobao, read_screenshot):
    data = form_post(taobao, order_number="3958123456789012345", amount="", order_date="", shop_name="")
    response = logged_in.post(
        reverse("complaints:new"), {**data, "evidence": read_screenshot.public_id, "action": "fill"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    # What the consumer typed stays, the platform too (they had started typing).
    assert 'value="3958123456789012345"' in html
    assert f'<option value="{taobao.pk}" selected>' in html
    assert 'name="amount" value="129.00"' in html and 'name="order_date" value="2026-03-05"' in html
    assert 'name="shop_name" class="filled-from-screenshot' not in html  # confidence too low
    assert "已根据您的截图填写，请核对：" in html and "下单日期" in html
    assert html.count("filled-from-screenshot") == 2
    assert f'name="evidence" value="{read_screenshot.public_id}"' in html
    assert not Complaint.objects.exists()


def test_fill_in_before_the_screenshot_is_read_says_so(logged_in, pinduoduo, read_screenshot):
    ScreenshotReading.objects.all().delete()
    data = form_post(pinduoduo, amount="", order_date="")
    response = logged_in.post(
        reverse("complaints:new"), {**data, "evidence": read_screenshot.public_id, "action": "fill"}
    )
    html = response.content.decode()
    assert "我们还在识别您的截图，请过几秒再试。" in html
    assert 'name="amount" value=' not in html


def test_review_points_out_what_differs_from_the_screenshot_and_still_submits(logged_in, pinduoduo, read_screenshot):
    data = {**form_post(pinduoduo, amount="192.00", order_date="2026-03-06"), "evidence": read_screenshot.public_id}
    html = logged_in.post(reverse("complaints:new"), {**data, "action": "review"}).content.decode()
    assert "实付金额（元）：截图显示为 ¥129.00；您填写的是 ¥192.00。" in html
    assert "截图显示为 2026年3月5日；您填写的是 2026年3月6日。" in html
    assert "订单号：" not in html  # the order number agrees
    response = logged_in.post(reverse("complaints:new"), {**data, "action": "submit"})
    assert response.status_code == 302
    assert Complaint.objects.get().amount == 192


def test_review_without_a_reading_notes_nothing(logged_in, pinduoduo):
    html = logged_in.post(reverse("complaints:new"), {**form_post(pinduoduo), "action": "review"}).content.decode()
    assert 'id="screenshot-notes"' not in html


def test_the_fill_endpoint_fills_empty_fields_from_the_consumers_own_screenshots_only(
    client, consumer, other_consumer, pinduoduo, read_screenshot
):
    data = {**form_post(pinduoduo, amount="", order_date=""), "evidence": read_screenshot.public_id}
    client.force_login(consumer)
    result = client.post(reverse("reading:fill"), data).json()
    assert result["filled"] == {"order_date": "2026-03-05", "amount": "129.00"}
    assert result["still_reading"] is False and result["message"].startswith("已根据您的截图填写")
    client.force_login(other_consumer)
    result = client.post(reverse("reading:fill"), data).json()
    assert result["filled"] == {} and result["still_reading"] is False
    assert client.get(reverse("reading:fill")).status_code == 405


def test_evidence_never_read_is_found_by_the_catch_up_sweep(read_screenshot):
    import datetime as dt

    from django.utils import timezone

    from reading.services import unread_evidence_ids

    later = timezone.now() + dt.timedelta(minutes=3)
    assert unread_evidence_ids(later) == []
    ScreenshotReading.objects.all().delete()
    assert unread_evidence_ids(later) == [read_screenshot.pk]
    assert unread_evidence_ids(timezone.now()) == []  # too new: the ocr queue has it
    assert unread_evidence_ids(later + dt.timedelta(days=3)) == []  # too old to matter
