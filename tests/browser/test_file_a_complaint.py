import re

import pytest

from complaints.models import Complaint
from tests.imagegen import image_bytes, screenshot_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_user_signs_up_confirms_files_with_two_screenshots_and_sees_it(
    page, live_server, mailoutbox, pinduoduo, taobao
):
    page.set_default_timeout(15_000)
    # 1. Sign up.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "xiaoming@example.com")
    page.fill("input[name=display_name]", "小明")
    page.fill("input[name=password1]", "Kuaidi-2026-long")
    page.fill("input[name=password2]", "Kuaidi-2026-long")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    # 2. Confirm the email from the outbox.
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/complaints/$"))

    # 3. File a complaint with two screenshots.
    page.goto(f"{live_server.url}/complaints/new/?platform=pinduoduo")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.select_option("#id_category", "bargain")
    assert "助力好友" in page.locator("#evidence-tips").inner_text()  # the tips follow the category
    page.fill("#id_order_number", "260305-123456789012345")
    page.fill("#id_order_date", "2026-03-05")
    page.fill("#id_amount", "59.90")
    page.fill("#id_description", "砍价进度一直停在99.9%,邀请好友助力后也不再变化,客服只回复系统正常。")
    page.select_option("#id_desired_outcome", "restore_progress")
    page.fill("#id_contact_name", "王小明")
    page.fill("#id_contact_phone", "13912345678")
    page.set_input_files(
        "#id_evidence_files",
        [
            {"name": "进度-之前.png", "mimeType": "image/png", "buffer": screenshot_png((390, 844))},
            {"name": "进度-之后.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(390, 844))},
        ],
    )
    # The platform consent names the platform picked, and follows a change of mind.
    consent = page.locator("label[for=id_platform_consent]")
    assert "拼多多" in consent.inner_text() and "pinduoduo.com" in consent.inner_text()
    page.select_option("#id_platform", str(taobao.pk))
    assert "淘宝" in consent.inner_text() and "拼多多" not in consent.inner_text()
    page.select_option("#id_platform", str(pinduoduo.pk))
    assert "拼多多" in consent.inner_text()
    page.check("#id_platform_consent")
    page.click("button[name=action][value=review]")

    # 4. Review, then submit.
    page.wait_for_selector("#review-table")
    assert "260305-123456789012345" in page.locator("#review-table").inner_text()
    page.click("button[name=action][value=submit]")
    page.wait_for_url(re.compile(r"/complaints/TS-\d{8}-\d{4}/$"))
    complaint = Complaint.objects.get()
    assert complaint.evidence.count() == 2

    # 5. My complaints shows it; its page shows both thumbnails, loaded.
    page.goto(f"{live_server.url}/complaints/")
    assert complaint.reference in page.locator("#complaint-list").inner_text()
    page.click(f"text={complaint.reference}")
    thumbs = page.locator("img.evidence-thumb")
    assert thumbs.count() == 2
    for index in range(2):
        thumbs.nth(index).scroll_into_view_if_needed()
        assert thumbs.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(_artifact("complaint-detail.png")), full_page=True)


def _artifact(name):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
