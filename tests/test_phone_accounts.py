"""Signing up and in with a mainland mobile number and an SMS code (allauth's phone
support on accounts.adapter): the code comes through the outbox's sms transport to
var/sms, is rate-limited per number and per client address, and is never logged."""

import logging
import re

import pytest
from django.urls import reverse

from accounts.models import PhoneNumber
from notifications.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-12-07 23:30")]


@pytest.fixture
def sms_files(settings, tmp_path):
    settings.SMS_PROVIDER = "files"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def last_code(folder) -> str:
    """The code in the newest SMS written to var/sms, as a person would read it."""
    newest = sorted(folder.iterdir())[-1].read_text()
    return re.search(r"\b(\d{6})\b", newest.split("\n\n", 1)[1]).group(1)


def test_sign_up_with_a_mobile_number_only_and_the_code_from_var_sms_even_at_night(
    client, sms_files, django_capture_on_commit_callbacks, django_user_model
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {"phone": "138 0013 8000"})
    assert response.status_code == 302 and response["Location"] == reverse("account_verify_phone")
    # 23:30 Beijing time: a sign-in code is never held for the quiet hours.
    [text] = OutboundEmail.objects.filter(transport="sms")
    assert (text.template, text.to, text.status) == ("login_code", "+8613800138000", "sent")
    code = last_code(sms_files)
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    user = django_user_model.objects.get()
    number = PhoneNumber.objects.get(user=user)
    assert (number.phone, number.verified, user.email, user.has_usable_password()) == (
        "+8613800138000",
        True,
        "",
        False,
    )
    # The code is forgotten once sent.
    text.refresh_from_db()
    assert text.variables == {} and code not in text.body_text


def test_a_wrong_code_is_refused_next_to_the_field_and_signs_nobody_in(
    client, sms_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"phone": "13800138000"})
    code = last_code(sms_files)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("account_verify_phone"), {"code": wrong})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session


def test_a_bad_number_is_refused_in_chinese_next_to_the_field_and_nothing_is_stored(client, django_user_model):
    response = client.post(reverse("account_signup"), {"phone": "021-53395288", "email": "keep@example.com"})
    assert response.status_code == 200
    assert "手机号" in response.context["form"].errors["phone"][0]
    assert response.context["form"]["email"].value() == "keep@example.com"
    assert not django_user_model.objects.exists() and not OutboundEmail.objects.exists()


def test_a_sign_up_with_neither_a_number_nor_an_email_says_which_to_give(client):
    response = client.post(reverse("account_signup"), {})
    assert response.context["form"].errors["phone"] == ["请填写手机号，或填写邮箱地址和密码。"]


def test_sign_in_with_the_number_and_an_sms_code(client, consumer, sms_files, django_capture_on_commit_callbacks):
    PhoneNumber.objects.create(user=consumer, phone="+8613800138000", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"phone": "+86 138-0013-8000"})
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")
    response = client.post(reverse("account_confirm_login_code"), {"code": last_code(sms_files)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(consumer.pk)


def test_an_email_account_adds_and_verifies_a_phone(client, consumer, sms_files, django_capture_on_commit_callbacks):
    client.force_login(consumer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_change_phone"), {"phone": "13800138000"})
    assert response.status_code == 302
    client.post(reverse("account_verify_phone"), {"code": last_code(sms_files)})
    number = PhoneNumber.objects.get(user=consumer)
    assert (number.phone, number.verified) == ("+8613800138000", True)


def test_email_sign_up_still_confirms_the_address_first(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "Long-enough-2026!", "password2": "Long-enough-2026!"},
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_an_email_sign_up_needs_a_password(client, django_user_model):
    response = client.post(reverse("account_signup"), {"email": "new@example.com"})
    assert response.context["form"].errors["password1"] == ["请设置密码"]
    assert not django_user_model.objects.exists()


def test_codes_are_limited_per_number(client, consumer, sms_files, django_capture_on_commit_callbacks):
    PhoneNumber.objects.create(user=consumer, phone="+8613800138000", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("account_request_login_code"), {"phone": "13800138000"})
        client.cookies.clear()
        second = client.post(reverse("account_request_login_code"), {"phone": "13800138000"})
    assert first.status_code == 302
    assert second.status_code == 200 and second.context["form"].errors
    assert OutboundEmail.objects.filter(transport="sms").count() == 1


def test_codes_are_limited_per_client_address(client, django_user_model, sms_files, django_capture_on_commit_callbacks):
    for index in range(11):
        user = django_user_model.objects.create_user(username=f"u{index}")
        PhoneNumber.objects.create(user=user, phone=f"+861380013{index:04d}", verified=True)
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(11):
            client.cookies.clear()
            response = client.post(reverse("account_request_login_code"), {"phone": f"1380013{index:04d}"})
            statuses.append(response.status_code)
    assert statuses[:10] == [302] * 10 and statuses[10] != 302
    assert OutboundEmail.objects.filter(transport="sms").count() == 10


def test_the_code_is_never_written_to_a_log(client, sms_files, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"phone": "13800138000"})
    code = last_code(sms_files)
    client.post(reverse("account_verify_phone"), {"code": code})
    assert caplog.records, "the flow logs something, so the check below can see it"
    assert not [record for record in caplog.records if code in record.getMessage()]


def test_a_new_number_asks_for_the_sms_consent_again(client, consumer, sms_files, django_capture_on_commit_callbacks):
    from accounts import contact
    from accounts.models import ContactPreference

    PhoneNumber.objects.create(user=consumer, phone="+8613800138000", verified=True)
    contact.choose(consumer, ContactPreference.Channels.BOTH)
    client.force_login(consumer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_change_phone"), {"phone": "13900139000"})
    client.post(reverse("account_verify_phone"), {"code": last_code(sms_files)})
    assert PhoneNumber.objects.get(user=consumer).phone == "+8613900139000"
    assert contact.sms_number_for(consumer) == ""
    assert contact.channels_of(consumer) == ContactPreference.Channels.EMAIL


def test_the_per_address_limit_counts_the_client_behind_the_proxy_not_the_proxy(
    client, django_user_model, settings, sms_files, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for index in range(12):
        user = django_user_model.objects.create_user(username=f"p{index}")
        PhoneNumber.objects.create(user=user, phone=f"+861390013{index:04d}", verified=True)

    def ask(index, client_address):
        client.cookies.clear()
        return client.post(
            reverse("account_request_login_code"),
            {"phone": f"1390013{index:04d}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    with django_capture_on_commit_callbacks(execute=True):
        first = [ask(index, "203.0.113.7") for index in range(11)]
        other = ask(11, "198.51.100.9")
    assert first[:10] == [302] * 10 and first[10] != 302
    assert other == 302  # another client behind the same proxy has its own count
