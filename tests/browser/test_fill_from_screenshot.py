from decimal import Decimal

import pytest

from tests.screenshotgen import encode, order_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cjk_fonts")]


def test_a_consumer_fills_the_form_from_an_order_screenshot_corrects_one_and_sees_it_noted_at_review(
    page, live_server, client, consumer, pinduoduo
):
    """The upload is read by the real OCR (Celery runs eagerly in tests)."""
    page.set_default_timeout(90_000)
    client.force_login(consumer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    shot = order_screenshot("pinduoduo", seed=3)
    shown = shot.labels

    # 1. The screenshot first, nothing typed yet.
    page.goto(f"{live_server.url}/complaints/new/?platform=pinduoduo")
    page.set_input_files("#id_evidence_files", [{"name": "订单.png", "mimeType": "image/png", "buffer": encode(shot)}])
    page.click("button[name=action][value=review]")

    # 2. Offered "fill in from the screenshot"; the page fills itself without reloading.
    page.wait_for_selector("button[name=action][value=fill]")
    page.evaluate("window.stillTheSamePage = true")
    page.click("button[name=action][value=fill]")
    page.wait_for_selector("#filled-notice-live:not([hidden])")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.input_value("#id_order_number") == shown["order_number"]
    assert page.input_value("#id_amount") == shown["amount"]
    assert page.input_value("#id_order_date") == shown["ordered_at"][:10]
    assert "请核对" in page.inner_text("#filled-notice-live")
    assert "filled-from-screenshot" in page.get_attribute("#id_amount", "class")

    # 3. The consumer corrects the amount and finishes the form.
    typed = Decimal(shown["amount"]) + 1
    page.fill("#id_amount", f"{typed:.2f}")
    page.select_option("#id_category", "quality")
    page.fill("#id_description", "收到的电热水壶无法加热，联系商家三天没有回复，要求退货退款。")
    page.select_option("#id_desired_outcome", "return_refund")
    page.fill("#id_contact_name", "王小明")
    page.fill("#id_contact_phone", "13912345678")
    page.check("#id_platform_consent")
    page.click("button[name=action][value=review]")

    # 4. Review points out the difference in plain words, and still lets them submit.
    notes = page.inner_text("#screenshot-notes")
    assert f"截图显示为 ¥{Decimal(shown['amount']):,.2f}；您填写的是 ¥{typed:,.2f}。" in notes
    assert shown["order_number"] not in notes
    assert page.locator("button[name=action][value=submit]").is_visible()


def test_fill_from_the_screenshot_is_offered_as_soon_as_a_screenshot_is_attached(
    page, live_server, client, consumer, pinduoduo
):
    """Not only after a failed submit: attaching the file shows the button, and pressing it
    uploads the screenshot and fills the empty order fields from it."""
    page.set_default_timeout(90_000)
    client.force_login(consumer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    shot = order_screenshot("pinduoduo", seed=5)
    page.goto(f"{live_server.url}/complaints/new/?platform=pinduoduo")
    button = page.locator("button[name=action][value=fill]")
    assert not button.is_visible()  # nothing attached yet
    page.set_input_files("#id_evidence_files", [{"name": "订单.png", "mimeType": "image/png", "buffer": encode(shot)}])
    assert button.is_visible()
    assert not page.locator(".alert-danger").count()  # offered without any error box
    button.click()
    page.wait_for_selector("#id_order_number")
    page.wait_for_function("document.querySelector('#id_order_number').value !== ''")
    assert page.input_value("#id_order_number") == shot.labels["order_number"]


def test_fields_filled_from_the_screenshot_lose_their_stale_errors_and_say_to_check_them(
    page, live_server, client, consumer, pinduoduo
):
    page.set_default_timeout(90_000)
    client.force_login(consumer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    shot = order_screenshot("pinduoduo", seed=3)
    page.goto(f"{live_server.url}/complaints/new/?platform=pinduoduo")
    page.set_input_files("#id_evidence_files", [{"name": "订单.png", "mimeType": "image/png", "buffer": encode(shot)}])
    page.fill("#id_amount", "abc")  # refused at review: the amount gets an error
    page.click("button[name=action][value=review]")
    page.wait_for_selector("#id_amount.is-invalid")
    page.fill("#id_amount", "")
    page.click("button[name=action][value=fill]")
    page.wait_for_selector("#id_amount-filled-note")
    assert page.input_value("#id_amount") == shot.labels["amount"]
    assert "is-invalid" not in page.get_attribute("#id_amount", "class")
    holder = page.locator("#id_amount").locator("xpath=ancestor::*[contains(@class,'mb-3')][1]")
    assert holder.locator(".invalid-feedback").count() == 0
    assert page.inner_text("#id_amount-filled-note") == "已用截图填写，请核对。"
