import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.phones import mask_phone, normalise_cn_mobile


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0086 13812345678",
        "１３８１２３４５６７８",
    ],
)
def test_chinese_mobile_numbers_are_normalised_to_e164(raw):
    assert normalise_cn_mobile(raw) == "+8613812345678"


@pytest.mark.parametrize("raw", ["12345", "021-53395288", "+1 415 555 0100", "1381234567", "phone", "95188"])
def test_landlines_foreign_and_short_numbers_are_not_mobiles(raw):
    with pytest.raises(ValidationError):
        normalise_cn_mobile(raw)


def test_phones_are_masked_for_display():
    assert mask_phone("+8613812345678") == "138****5678"


@pytest.mark.django_db
def test_sign_up_needs_the_email_confirmed_before_logging_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "Long-enough-2026!",
            "password2": "Long-enough-2026!",
            "display_name": "小王",
        },
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert len(mail.outbox) == 1 and "new@example.com" in mail.outbox[0].to
    assert client.get(reverse("complaints:mine")).status_code == 302  # not logged in yet


@pytest.mark.django_db
@pytest.mark.parametrize("same_browser", [True, False], ids=["same browser", "the phone's mail app"])
def test_confirming_the_email_leads_to_the_form_for_the_platform_picked_before_signing_up(
    client, same_browser, django_user_model
):
    from tests.conftest import platform

    platform("pinduoduo")
    picked = reverse("complaints:new") + "?platform=pinduoduo"
    to_login = client.get(picked)
    assert to_login.status_code == 302 and "next=" in to_login["Location"]
    signup = reverse("account_signup") + "?" + urlencode({"next": picked})
    data = {"email": "new@example.com", "password1": "Long-enough-2026!", "password2": "Long-enough-2026!"}
    client.post(signup, {**data, "display_name": "小王", "next": picked})
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    assert "platform%3Dpinduoduo" in link and "new%40example" not in link

    browser = client if same_browser else Client()
    confirm_page = browser.get(link)
    assert confirm_page.status_code == 200
    confirmed = browser.post(link, {"next": picked}, follow=True)
    if not same_browser:  # not signed in there: the sign-in page, then the form
        assert confirmed.redirect_chain[-1][0].startswith(reverse("account_login"))
        confirmed = browser.post(
            confirmed.redirect_chain[-1][0], {"login": "new@example.com", "password": data["password1"]}, follow=True
        )
    assert confirmed.request["PATH_INFO"] == reverse("complaints:new")
    assert confirmed.context["form"].initial["platform"].slug == "pinduoduo"


@pytest.mark.parametrize(
    "going_to", ["https://evil.example/complaints/new/", "/accounts/email/", "//evil.example/complaints/new/"]
)
def test_a_confirmation_link_carries_only_the_filing_form_of_this_site(rf, going_to):
    from accounts.adapter import filing_form_requested

    assert filing_form_requested(rf.post("/accounts/signup/", {"next": going_to})) == ""


@pytest.mark.django_db
def test_the_profile_saves_a_valid_phone_and_refuses_a_bad_one_next_to_the_field(client, consumer):
    client.force_login(consumer)
    response = client.post(reverse("accounts:profile"), {"display_name": "老王", "phone": "12345"})
    assert response.status_code == 200 and "手机号" in response.context["form"].errors["phone"][0]
    client.post(reverse("accounts:profile"), {"display_name": "老王", "phone": "139 0000 1111"})
    consumer.profile.refresh_from_db()
    assert (consumer.profile.display_name, consumer.profile.phone) == ("老王", "+8613900001111")


@pytest.mark.django_db
def test_after_repeated_failed_logins_even_the_right_password_is_refused_for_a_while(client, consumer):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": consumer.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": consumer.email, "password": "pw-Secret-2026"})
    # allauth's login_failed limit answers with the form again, the reason next to it.
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["登录失败次数过多，请稍后重试。"]
    assert "_auth_user_id" not in client.session


def sign_in(client, login, password, address):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(client, consumer, staff_user, settings):
    # Anyone could lock any account (staff included) with five wrong passwords.
    for account in (consumer, staff_user):
        for _ in range(6):
            sign_in(client, account.email, "wrong", "203.0.113.9")
        locked = sign_in(client, account.email, "pw-Secret-2026", "203.0.113.9")
        assert locked.context["form"].non_field_errors() == ["登录失败次数过多，请稍后重试。"]
        if account is staff_user:
            account.set_password("pw-Secret-2026")
            account.save()
        owner = sign_in(client, account.email, "pw-Secret-2026", "198.51.100.7")
        assert owner.status_code == 302 and client.session["_auth_user_id"] == str(account.pk)
        client.logout()


@pytest.mark.django_db
def test_guessing_spread_over_many_addresses_meets_the_slower_limit_on_the_account(client, consumer, settings):
    # The account's own limit (50 an hour from all addresses), four tries from each.
    for attempt in range(50):
        assert sign_in(client, consumer.email, "wrong", f"192.0.2.{attempt // 4 + 1}").status_code == 200
    refused = sign_in(client, consumer.email, "pw-Secret-2026", "198.51.100.7")
    assert refused.context["form"].non_field_errors() == ["登录失败次数过多，请稍后重试。"]
    assert "_auth_user_id" not in client.session
    # Another account is not touched by it.
    other = sign_in(client, "nobody-else@example.com", "wrong", "198.51.100.7")
    assert other.context["form"].non_field_errors() != ["登录失败次数过多，请稍后重试。"]


@pytest.mark.django_db
def test_the_right_password_logs_in_when_not_rate_limited(client, consumer):
    response = client.post(reverse("account_login"), {"login": consumer.email, "password": "pw-Secret-2026"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sign_ups_from_one_address_are_rate_limited(client, settings):
    codes = []
    for index in range(12):
        response = client.post(
            reverse("account_signup"),
            {"email": f"bot{index}@example.com", "password1": "Long-enough-2026!", "password2": "Long-enough-2026!"},
        )
        codes.append(response.status_code)
        client.logout()
    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]
