"""Blur by allow-list (issue 21 part 3), proved with the app's own OCR: on the copy that
leaves, no personal string is read back, and the order number, amount and date are.
bench/blur_proof.py runs the same check over 40 + 40 screenshots."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from complaints import evidence_pipeline
from reading.allowlist import allowed
from reading.models import ScreenshotReading
from reading.sharing import shared_copy

from . import blurcheck, screenshotgen
from .conftest import process_uploads

pytestmark = pytest.mark.usefixtures("cjk_fonts")


@pytest.mark.parametrize(
    "text",
    [
        "订单编号：260305-123456789012345",
        "订单号 3476165205760157260 复制",
        "实付款 ¥128.50",
        "￥59.90",
        "合计：128.50元",
        "下单时间：2026-03-02 12:30:45",
        "2025/03/22 09:02",
        "2026年3月2日 12:30",
        "交易成功",
        "复制",
        "订单详情",
    ],
)
def test_what_the_recipient_needs_stays_readable(text):
    assert allowed(text)


@pytest.mark.parametrize(
    "text",
    [
        "收货人姓名：张三丰",
        "买家：王芳",
        "张三丰",
        "南山区科技园路88号2栋301室",
        "110101199003071234",  # an ID number alone has the 18 digits of a Taobao order number
        "证件编号：11010119900307123X",
        "订单编号：110101199003071235",  # ID-number shaped, whatever the label (misread check digit)
        "110101 19900307 1234",
        "0755-86013388",
        "(021)53395288",
        "微信：zhangsf_1988",
        "QQ：283746512",
        "283746512",
        "138 0013 8000",
        "订单编号：260305-123456789012345 张三",
    ],
)
def test_personal_data_is_never_on_the_allow_list(text):
    assert not allowed(text)


def test_the_shop_name_stays_readable_only_as_the_shop_read():
    assert allowed("三只松鼠旗舰店 >", shop_name="三只松鼠旗舰店")
    assert not allowed("三只松鼠旗舰店", shop_name=None)


@pytest.mark.parametrize(("seed", "variation"), [(0, "tuning"), (5, "heldout"), (11, "heldout")])
def test_no_personal_string_is_read_back_from_the_copy_and_the_order_facts_are(seed, variation):
    result = blurcheck.prove(seed, variation)
    # The originals show every kind: otherwise an empty result would prove nothing.
    assert result["readable_before"] == sorted(result["labels"]["personal"])
    assert result["leaked"] == {}
    assert result["kept"] == {"order_number": True, "amount": True, "ordered_at": True}


def test_the_command_writes_the_copy_a_recipient_gets(tmp_path):
    shot = screenshotgen.personal_screenshot(3, variation="heldout")
    source, out = tmp_path / "in.png", tmp_path / "out.png"
    source.write_bytes(screenshotgen.encode(shot))
    call_command("blur_screenshot", str(source), str(out), "--recipient", "court")
    text = blurcheck.read_back(Image.open(out))
    assert blurcheck.leaked(shot.labels, text) == {}
    assert blurcheck.squeeze(shot.labels["order_number"]) in text


@pytest.mark.django_db
def test_the_shared_copy_of_read_evidence_shows_no_personal_data(consumer):
    shot = screenshotgen.personal_screenshot(7, variation="heldout")
    upload = SimpleUploadedFile("order.png", screenshotgen.encode(shot), content_type="image/png")
    evidence = evidence_pipeline.stage_evidence(consumer, upload)
    assert process_uploads() == ["ready"]
    reading = ScreenshotReading.objects.get(evidence=evidence)
    assert reading.shareable_boxes, "the allow-list's boxes are stored with the reading"
    evidence.refresh_from_db()
    text = blurcheck.read_back(Image.open(io.BytesIO(shared_copy(evidence, "12315"))))
    assert blurcheck.leaked(shot.labels, text) == {}
    assert blurcheck.squeeze(shot.labels["amount"]) in text
