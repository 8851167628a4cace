"""Evidence as phones make it: a pasted screenshot, a dropped image and an iPhone HEIC
photo are all accepted, shown as "being checked" and then, once a real Celery worker
has sanitised them, as their clean copies without a reload."""

import base64
import re

import pytest
from django.db import connection

from complaints.models import Complaint
from tests.conftest import require_service
from tests.imagegen import heic_with_gps, image_bytes, screenshot_png
from tests.services import Mailbox, Worker, celery_publishing_to, redis_server, smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in the page: hand `files` to the page as a paste or a drop would, with a real
# DataTransfer, as Chromium builds it for Ctrl-V or a drag from the desktop.
DISPATCH = """([kind, files]) => {
  const transfer = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, {type: f.type}));
  }
  if (kind === "paste") {
    document.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
  } else {
    const area = document.querySelector("[data-evidence-drop]");
    for (const type of ["dragover", "drop"]) {
      area.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }
  }
}"""


def _file(name, mime, data):
    return {"name": name, "type": mime, "data": base64.b64encode(data).decode()}


@pytest.fixture
def signed_in_page(page, live_server, client, consumer):
    client.force_login(consumer)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def broker_without_worker_yet(tmp_path):
    """Uploads are published to our own Redis; the worker is started by the test when it
    has seen them waiting."""
    require_service(connection.vendor == "postgresql", "a worker process shares the test database: needs PostgreSQL")
    with redis_server() as broker_url, celery_publishing_to(broker_url), smtp_server(Mailbox()) as smtp_port:
        worker = Worker(broker_url, smtp_port, tmp_path)
        try:
            yield worker
        finally:
            worker.kill()


def test_a_pasted_screenshot_a_dropped_image_and_a_heic_photo_are_accepted_and_sanitised(
    signed_in_page, live_server, pinduoduo, broker_without_worker_yet
):
    page = signed_in_page
    page.goto(f"{live_server.url}/complaints/new/?platform=pinduoduo")
    page.select_option("#id_category", "bargain")
    page.fill("#id_order_number", "260305-123456789012345")
    page.fill("#id_order_date", "2026-03-05")
    page.fill("#id_amount", "59.90")
    page.fill("#id_description", "砍价进度一直停在99.9%，邀请好友助力后也不再变化，客服只回复系统正常。")
    page.select_option("#id_desired_outcome", "restore_progress")
    page.fill("#id_contact_name", "王小明")
    page.check("#id_platform_consent")
    assert page.locator("[data-evidence-hint]").is_visible()  # offered only where the script runs

    # 1. The file button: an iPhone photo as sent from a computer.
    page.set_input_files(
        "#id_evidence_files", [{"name": "IMG_4032.HEIC", "mimeType": "image/heic", "buffer": heic_with_gps()}]
    )
    # 2. Ctrl-V of a screenshot (browsers call every pasted image "image.png").
    page.evaluate(DISPATCH, ["paste", [_file("image.png", "image/png", screenshot_png((390, 844)))]])
    # 3. An image dragged onto the evidence area.
    page.evaluate(DISPATCH, ["drop", [_file("物流.jpg", "image/jpeg", image_bytes("JPEG", size=(300, 200)))]])

    names = page.locator("#id_evidence_files").evaluate("input => Array.from(input.files, f => f.name)")
    assert names[0] == "IMG_4032.HEIC" and names[2] == "物流.jpg"
    assert re.fullmatch(r"截图-\d{8}-\d{6}\.png", names[1])
    previews = page.locator("[data-evidence-preview] figure")
    assert previews.count() == 3
    assert previews.nth(0).locator(".evidence-thumb").inner_text() == "HEIC"  # no browser draws HEIC: its name
    for index in (1, 2):
        assert previews.nth(index).locator("img").evaluate("img => img.complete && img.naturalWidth > 0")

    # Review, then submit: the server received all three through the ordinary file field.
    page.click("button[name=action][value=review]")
    page.wait_for_selector("#review-table")
    page.click("button[name=action][value=submit]")
    page.wait_for_url(re.compile(r"/complaints/TS-\d{8}-\d{4}/$"))
    complaint = Complaint.objects.get()
    evidence = list(complaint.evidence.order_by("created_at"))
    assert [e.original_name for e in evidence] == names

    # Being checked: a placeholder with its name, no broken image.
    placeholders = page.locator("[data-status-url]")
    assert placeholders.count() == 3
    assert placeholders.first.inner_text().strip() == "正在检查…"
    assert page.locator("img.evidence-thumb").count() == 0

    # A worker comes and sanitises them; the page shows the clean copies without a reload.
    broker_without_worker_yet.start()
    page.wait_for_function("() => document.querySelectorAll('[data-status-url]').length === 0", timeout=120_000)
    assert [e.state for e in complaint.evidence.order_by("created_at")] == ["ready", "ready", "ready"]
    thumbs = page.locator("img.evidence-thumb")
    assert thumbs.count() == 3
    for index in range(3):
        thumbs.nth(index).scroll_into_view_if_needed()
        thumbs.nth(index).evaluate("img => img.decode()")
        assert thumbs.nth(index).evaluate("img => img.naturalWidth > 0")

    served = [page.request.get(f"{live_server.url}{e.get_absolute_url()}") for e in evidence]
    assert [r.headers["content-type"] for r in served] == ["image/jpeg", "image/png", "image/jpeg"]
    photo = served[0].body()
    assert photo[:3] == b"\xff\xd8\xff" and b"SecretPhoneMaker" not in photo and b"ftypheic" not in photo
