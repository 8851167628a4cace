"""Staff sign in through allauth: the same lockout as consumers, and a second step (TOTP).

The admin's own login form had no rate limit; staff.admin_site sends it to allauth's
login page. allauth.mfa asks the authenticator code; staff.middleware makes staff
set one up first when STAFF_REQUIRE_MFA is on.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-Secret-2026"  # tests/conftest.py gives every account this one
ADMIN_INDEX = reverse("admin:index")
LOGIN = reverse("account_login")
AUTHENTICATE = reverse("mfa_authenticate")
# allauth's messages, in Chinese (the default language).
WRONG_PASSWORD = "您提供的电子邮件地址和/或密码不正确。"
TOO_MANY_FAILURES = "登录失败次数过多，请稍后重试。"
WRONG_CODE = "错误代码。"


# TOTP codes change every 30 s: one instant for each whole test, its accounts included.
pytestmark = pytest.mark.frozen_at("2026-11-20 10:00:05")


def current_code(secret: str) -> str:
    """The code an authenticator app shows now, by allauth's own TOTP functions."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def another_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_in_with_password(client, user, next_url=ADMIN_INDEX):
    return client.post(f"{LOGIN}?next={next_url}", {"login": user.email, "password": PASSWORD})


def reauthenticate(client, next_url):
    """allauth asks the password again before two-factor settings change or codes show."""
    response = client.post(f"{reverse('account_reauthenticate')}?next={next_url}", {"password": PASSWORD})
    assert response["Location"] == next_url


@pytest.fixture
def staff_totp_secret(staff_user):
    secret = generate_totp_secret()
    TOTP.activate(staff_user, secret)
    RecoveryCodes.activate(staff_user)
    return secret


# --- The admin's sign-in is allauth's ------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sends_visitors_to_the_allauth_login_page_keeping_where_they_were_going(client):
    response = client.get(ADMIN_INDEX, follow=True)
    assert response.redirect_chain == [
        (f"{reverse('admin:login')}?next={ADMIN_INDEX}", 302),
        (f"{LOGIN}?next={ADMIN_INDEX}", 302),
    ]
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_login_page_refuses_a_next_url_on_another_site(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ADMIN_INDEX}"


@pytest.mark.django_db
def test_the_right_password_posted_to_the_admin_login_page_signs_nobody_in(client, staff_user):
    response = client.post(
        reverse("admin:login"), {"username": staff_user.username, "login": staff_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert signed_in_user_id(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302


@pytest.mark.django_db
def test_fifty_wrong_passwords_through_the_admin_sign_in_lock_out_the_right_one(client, staff_user):
    # Wherever /admin/ sends a visitor is where they type their password.
    sign_in_url = client.get(ADMIN_INDEX, follow=True).request["PATH_INFO"]
    sign_in_url += f"?next={ADMIN_INDEX}"
    # Both field names, so the same attempts would work on Django's own admin form.
    credentials = {"username": staff_user.username, "login": staff_user.email}
    responses = [client.post(sign_in_url, {**credentials, "password": f"wrong-{i}"}) for i in range(50)]
    # RATE_LIMIT_LOGIN_FAILED: 5 tries per account, then refused whatever the password;
    # RATE_LIMIT_LOGIN: 30 posts a minute per address, then 429.
    assert [r.status_code for r in responses] == [200] * 30 + [429] * 20
    assert [r.context["form"].errors["__all__"] for r in responses[4:6]] == [[WRONG_PASSWORD], [TOO_MANY_FAILURES]]
    response = client.post(sign_in_url, {**credentials, "password": PASSWORD})
    assert response.status_code == 429
    assert signed_in_user_id(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_staff_account_from_that_address_only_for_five_minutes(
    client, staff_user, frozen_clock
):
    # Anyone could lock the staff out with five wrong passwords; now the lock holds for
    # the address they came from (issue 23 part 4), and the account's own count is slower.
    for i in range(5):
        client.post(f"{LOGIN}?next={ADMIN_INDEX}", {"login": staff_user.email, "password": f"wrong-{i}"})
    refused = sign_in_with_password(client, staff_user)
    assert refused.status_code == 200 and refused.context["form"].errors["__all__"] == [TOO_MANY_FAILURES]
    assert signed_in_user_id(client) is None
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in_with_password(elsewhere, staff_user)["Location"] == ADMIN_INDEX
    frozen_clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert sign_in_with_password(client, staff_user)["Location"] == ADMIN_INDEX


@pytest.mark.django_db
def test_a_staff_member_not_locked_out_reaches_the_admin_through_the_same_sign_in(client, staff_user):
    response = sign_in_with_password(client, staff_user)
    assert response.status_code == 302 and response["Location"] == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200


@pytest.mark.django_db
def test_a_signed_in_consumer_is_refused_the_admin_instead_of_sent_round_the_login_page(client, consumer):
    client.force_login(consumer)
    response = client.get(ADMIN_INDEX, follow=True)
    assert response.status_code == 403
    assert [url for url, _status in response.redirect_chain] == [f"{reverse('admin:login')}?next={ADMIN_INDEX}"]
    assert "您的账户无权打开此页面。 如果您是 Tousu 工作人员，请退出后用工作人员账户登录。" in response.content.decode()


# --- The second step -----------------------------------------------------------------


@pytest.mark.django_db
def test_staff_with_an_authenticator_app_reach_the_admin_only_with_a_valid_code(client, staff_user, staff_totp_secret):
    response = sign_in_with_password(client, staff_user)
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert signed_in_user_id(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302

    wrong = client.post(AUTHENTICATE, {"code": another_code(current_code(staff_totp_secret))})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [WRONG_CODE]
    assert signed_in_user_id(client) is None

    right = client.post(AUTHENTICATE, {"code": current_code(staff_totp_secret)})
    assert right.status_code == 302 and right["Location"] == ADMIN_INDEX
    assert signed_in_user_id(client) == str(staff_user.pk)
    assert client.get(ADMIN_INDEX).status_code == 200


@pytest.mark.django_db
def test_five_wrong_codes_lock_out_the_right_one(client, staff_user, staff_totp_secret):
    sign_in_with_password(client, staff_user)
    wrong = another_code(current_code(staff_totp_secret))
    errors = [client.post(AUTHENTICATE, {"code": wrong}).context["form"].errors["code"] for _ in range(5)]
    assert errors == [[WRONG_CODE]] * 5
    refused = client.post(AUTHENTICATE, {"code": current_code(staff_totp_secret)})
    assert refused.status_code == 200 and refused.context["form"].errors["code"] == [TOO_MANY_FAILURES]
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, staff_user, staff_totp_secret):
    first, second = RecoveryCodes(Authenticator.objects.get(user=staff_user, type="recovery_codes")).get_unused_codes()[
        :2
    ]
    sign_in_with_password(client, staff_user)
    assert client.post(AUTHENTICATE, {"code": first})["Location"] == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200
    client.post(reverse("account_logout"))
    assert signed_in_user_id(client) is None

    sign_in_with_password(client, staff_user)
    reused = client.post(AUTHENTICATE, {"code": first})
    assert reused.status_code == 200 and reused.context["form"].errors["code"] == [WRONG_CODE]
    assert signed_in_user_id(client) is None
    assert client.post(AUTHENTICATE, {"code": second})["Location"] == ADMIN_INDEX


@pytest.mark.django_db
def test_when_required_staff_without_an_authenticator_set_one_up_before_the_admin(client, staff_user, settings):
    settings.STAFF_REQUIRE_MFA = True
    sign_in_with_password(client, staff_user)
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("complaints:mine"))["Location"] == reverse("mfa_activate_totp")

    setup = client.get(reverse("mfa_activate_totp"))
    assert setup["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client, reverse("mfa_activate_totp"))
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert f'href="{ADMIN_INDEX}">工作人员</a>' in codes_page  # the way on, in the navigation bar
    assert client.get(ADMIN_INDEX).status_code == 200


def sign_in_with_code_and_open_deactivation(client, user, secret):
    sign_in_with_password(client, user)
    client.post(AUTHENTICATE, {"code": current_code(secret)})
    reauthenticate(client, reverse("mfa_deactivate_totp"))


@pytest.mark.django_db
def test_when_required_staff_cannot_switch_their_authenticator_off(client, staff_user, staff_totp_secret, settings):
    settings.STAFF_REQUIRE_MFA = True
    sign_in_with_code_and_open_deactivation(client, staff_user, staff_totp_secret)
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == ["您不能停用两步验证。"]
    assert Authenticator.objects.filter(user=staff_user, type="totp").exists()


@pytest.mark.django_db
def test_when_not_required_staff_may_switch_their_authenticator_off(client, staff_user, staff_totp_secret, settings):
    settings.STAFF_REQUIRE_MFA = False
    sign_in_with_code_and_open_deactivation(client, staff_user, staff_totp_secret)
    assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=staff_user, type="totp").exists()


@pytest.mark.django_db
def test_when_not_required_staff_without_an_authenticator_reach_the_admin(client, staff_user, settings):
    settings.STAFF_REQUIRE_MFA = False
    sign_in_with_password(client, staff_user)
    assert client.get(ADMIN_INDEX).status_code == 200


@pytest.mark.django_db
def test_consumers_are_never_asked_to_set_up_an_authenticator(client, consumer, settings):
    settings.STAFF_REQUIRE_MFA = True
    response = sign_in_with_password(client, consumer, next_url=reverse("complaints:mine"))
    assert response["Location"] == reverse("complaints:mine")
    assert client.get(reverse("complaints:mine")).status_code == 200


def _staff_require_mfa_setting(**env):
    """STAFF_REQUIRE_MFA as config.settings reads it from this environment, in a fresh process."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "STAFF_REQUIRE_MFA")}
    environment.update(SECRET_KEY="x" * 50, CACHE_URL="redis://127.0.0.1:6379/1", EMAIL_URL="dummymail://", **env)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.STAFF_REQUIRE_MFA)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_factor_is_required_of_staff_by_default_when_debug_is_off_and_can_be_set_either_way():
    assert _staff_require_mfa_setting(DEBUG="0") == "True"
    assert _staff_require_mfa_setting(DEBUG="1") == "False"
    assert _staff_require_mfa_setting(DEBUG="1", STAFF_REQUIRE_MFA="1") == "True"


# --- The pages: the site's layout, in Chinese ----------------------------------------


@pytest.mark.django_db
def test_the_two_factor_pages_use_the_site_layout_in_chinese(client, staff_user, staff_totp_secret, settings):
    sign_in_with_password(client, staff_user)
    html = client.get(AUTHENTICATE).content.decode()
    assert '<html lang="zh-hans">' in html and 'class="navbar' in html
    assert "双因素身份认证" in html and "登录" in html

    client.post(AUTHENTICATE, {"code": current_code(staff_totp_secret)})
    reauthenticate(client, reverse("mfa_view_recovery_codes"))
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert "恢复代码" in html and "未使用的代码" in html and 'class="navbar' in html


@pytest.mark.django_db
def test_the_setup_page_shows_the_qr_code_and_why_in_chinese(client, staff_user, settings):
    settings.STAFF_REQUIRE_MFA = True
    sign_in_with_password(client, staff_user)
    client.get(ADMIN_INDEX)  # sent to the set-up, with the reason
    reauthenticate(client, reverse("mfa_activate_totp"))
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "激活身份验证器应用" in html
    assert "工作人员账户登录需要第二步验证" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'class="form-control"' in html  # the secret, in the site's form style
