"""A new consumer on a 390x844 phone signs up with a mobile number and the code from
var/sms, then signs in again with a new code."""

import re

import pytest

from accounts.models import PhoneNumber

pytestmark = pytest.mark.django_db(transaction=True)


def newest_code(folder) -> str:
    newest = sorted(folder.iterdir())[-1].read_text()
    return re.search(r"\b(\d{6})\b", newest.split("\n\n", 1)[1]).group(1)


def test_sign_up_and_sign_in_with_a_mobile_number_and_sms_codes(page, live_server, settings, tmp_path):
    settings.SMS_PROVIDER = "files"
    settings.SMS_FILE_PATH = folder = tmp_path / "sms"
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_phone", "138 0013 8000")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/phone/verify/")
    page.fill("#id_code", newest_code(folder))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/complaints/")
    assert PhoneNumber.objects.get().verified

    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/code/")
    page.fill("#id_phone", "13800138000")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    page.fill("#id_code", newest_code(folder))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/complaints/")
