"""After a failed submit a keyboard or screen-reader user lands on the list of errors."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_an_empty_complaint_form_focuses_a_linked_error_list_and_says_so_in_the_title(
    page, live_server, consumer, pinduoduo
):
    log_in(page, live_server, consumer)
    page.goto(f"{live_server.url}/complaints/new/")
    page.fill("#id_contact_name", "")
    page.click("button[name=action][value=review]")
    page.wait_for_selector("#error-summary")
    assert page.title() == "错误：我要投诉 · 投诉"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = page.locator("#error-summary a", has_text="请填写订单号")
    assert link.get_attribute("href") == "#id_order_number"
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_order_number"


@pytest.mark.parametrize(
    ("path", "first_error", "field"),
    [
        ("/accounts/login/", "请填写邮箱地址或手机号", "id_login"),
        # A mobile number or an email address: the sign-up asks for one of them, phone first.
        ("/accounts/signup/", "请填写手机号，或填写邮箱地址和密码。", "id_phone"),
    ],
)
def test_login_and_sign_up_focus_their_error_list_too(page, live_server, path, first_error, field):
    page.goto(live_server.url + path)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector("#error-summary")
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == field
    assert page.locator("#error-summary a").first.inner_text() == first_error
