"""On a phone, the consumer sees on the packet page the copy of their screenshot that
12315 would get, blurred where OCR found personal data, and can choose to show it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import evidence_pipeline
from complaints.consents import record_consent
from complaints.models import Complaint, Evidence
from complaints.states import Status
from reading.models import ScreenshotReading, SharingChoice
from tests.conftest import process_uploads
from tests.test_reading_blur import noisy_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_packet_shows_the_blurred_copy_and_the_consumer_chooses_to_show_it(
    page, live_server, client, consumer, make_complaint
):
    complaint = make_complaint(consumer, images=0)
    out = io.BytesIO()
    noisy_image((400, 300)).save(out, format="PNG")
    evidence = evidence_pipeline.stage_evidence(consumer, SimpleUploadedFile("订单.png", out.getvalue()))
    process_uploads()
    Evidence.objects.filter(pk=evidence.pk).update(complaint=complaint)
    ScreenshotReading.objects.filter(evidence=evidence).update(
        status=ScreenshotReading.Status.READ, personal_data=[{"kind": "phone", "box": [50, 60, 250, 90]}]
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.PLATFORM_RESPONDED)
    record_consent(user=consumer, complaint=complaint, recipient="12315")
    client.force_login(consumer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/escalation/{complaint.reference}/packet/12315/")
    section = page.locator("#sharing-12315")
    preview = section.locator("img")
    preview.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth === 400", arg=preview.element_handle())
    assert "已遮盖：手机号码。" in section.inner_text()
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    section.get_by_role("button", name="向12315（市场监管部门）显示我的个人信息").click()
    page.wait_for_url(f"**/escalation/{complaint.reference}/packet/12315/")
    assert "按原样显示。" in page.locator("#sharing-12315").inner_text()
    assert "给12315（市场监管部门）的副本现在显示您的个人信息。" in page.inner_text("body")
    choice = SharingChoice.objects.get()
    assert (choice.recipient, choice.show_personal_data, choice.chosen_by_id) == ("12315", True, consumer.pk)
