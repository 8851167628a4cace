"""Staff see what was read on each evidence image, with its confidence."""

import pytest
from django.urls import reverse

from reading.models import ScreenshotReading

pytestmark = pytest.mark.django_db


def test_the_complaint_page_shows_the_facts_read_beside_each_image_with_confidence(
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
            "order_number": {"value": "3958123456789012345", "confidence": 0.987},
            "amount": {"value": "129.00", "confidence": 0.91},
        },
        personal_data=[{"kind": "phone", "box": [10, 10, 90, 30]}],
        seconds=1.2,
    )
    client.force_login(reviewer)
    html = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "<dt>订单号</dt><dd>3958123456789012345 " in html
    assert ">99%</span>" in html and ">91%</span>" in html
    assert "</dt><dd>129.00 <span" in html
    assert "发现 1 处个人信息" in html
    assert html.count("尚未识别。") == 1
