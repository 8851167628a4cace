"""Staff see what was read on each evidence image in words, with how sure the reading is."""

import pytest
from django.urls import reverse

from core.parties import Party
from reading import sharing
from reading.models import ScreenshotReading
from tests.staff.test_actions import email_channel  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_complaint_page_shows_the_facts_read_beside_each_image_in_words_with_how_sure(
    client, reviewer, make_complaint, consumer
):
    complaint = make_complaint(consumer, images=2)
    read, unread = complaint.evidence.order_by("created_at", "id")
    # Both plain images were read (nothing found) as they became ready; stand in a
    # reading of an order screenshot for the first, and none yet for the second.
    ScreenshotReading.objects.filter(evidence=unread).delete()
    ScreenshotReading.objects.filter(evidence=read).update(
        status=ScreenshotReading.Status.READ,
        facts={
            "platform": {"value": "pinduoduo", "confidence": 0.95},
            "order_number": {"value": "3958123456789012345", "confidence": 0.987},
            "amount": {"value": "129.00", "confidence": 0.91},
            "shop_name": {"value": "好物小店", "confidence": 0.62},
        },
        personal_data=[{"kind": "phone", "box": [10, 10, 90, 30]}],
        seconds=1.2,
    )
    client.force_login(reviewer)
    html = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    # In words, never raw values ("pinduoduo 95%").
    assert "<li>平台：拼多多（把握较大）</li>" in html
    assert "<li>订单号：3958123456789012345（把握较大）</li>" in html
    assert "<li>实付金额：¥129.00（把握较大）</li>" in html or "：¥129.00（把握较大）</li>" in html
    assert "：好物小店（有一定把握）</li>" in html
    assert "pinduoduo" not in html.split("reading-facts")[1].split("</ul>")[0]
    assert "%" not in html.split("reading-facts")[1].split("</ul>")[0]
    assert "发现 1 处个人信息" in html
    assert html.count("尚未识别。") == 1


def test_the_platform_email_carries_the_evidence_with_personal_data_blurred(
    client,
    reviewer,
    make_complaint,
    consumer,
    email_channel,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    import io

    from django.core import mail
    from PIL import Image

    from tests.test_reading_blur import noisy_image

    complaint = make_complaint(consumer, images=1)
    evidence = complaint.evidence.get()
    noisy = io.BytesIO()
    noisy_image((64, 48)).save(noisy, format="PNG")
    with open(evidence.file.path, "wb") as handle:
        handle.write(noisy.getvalue())
    ScreenshotReading.objects.filter(evidence=evidence).update(personal_data=[{"kind": "phone", "box": [5, 5, 40, 20]}])
    client.force_login(reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:complaints_complaint_act", args=[complaint.pk, "forward"]),
            {"forward-channel": email_channel.pk, "forward-text": "已转交平台"},
        )
    (message,) = [m for m in mail.outbox if m.to == ["complaints@pdd.example"]]
    ((name, data, content_type),) = message.attachments
    sent = Image.open(io.BytesIO(data))
    stored = Image.open(io.BytesIO(noisy.getvalue()))
    assert (name, content_type, sent.size) == ("shot0.png", "image/png", (64, 48))
    assert sent.getpixel((20, 12)) != stored.getpixel((20, 12))
    # Blurred by allow-list: the reading let nothing through, so no corner stays as stored.
    assert sent.getpixel((60, 44)) != stored.getpixel((60, 44))


@pytest.mark.frozen_at("2026-11-25 10:00")
def test_the_complaint_page_says_per_recipient_whether_the_consumer_shows_or_blurs_personal_data(
    client, reviewer, make_complaint, consumer
):
    complaint = make_complaint(consumer, images=1)
    client.force_login(reviewer)
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    html = client.get(url).content.decode()
    assert (
        "外发副本上的个人信息：平台：遮盖（默认）；12315（市场监管部门）：遮盖（默认）；消费者协会：遮盖（默认）；法院：遮盖（默认）</p>"
        in html
    )
    sharing.choose(complaint=complaint, recipient=Party.PLATFORM, show=True, user=consumer)
    sharing.choose(complaint=complaint, recipient=Party.REGULATOR, show=False, user=consumer)
    html = client.get(url).content.decode()
    assert (
        "：平台：显示（消费者于 2026-11-25 10:00 选择）；12315（市场监管部门）：遮盖（消费者于 2026-11-25 10:00 选择）；消费者协会：遮盖（默认）；"
        in html
    )
