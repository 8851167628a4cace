"""Settings come from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _django_check(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "EMAIL_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_site_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _django_check(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "tousu.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp+tls://tousu:secret@smtp.example.com:587",
}


def test_the_site_starts_with_a_secret_key_a_shared_cache_and_a_mail_server():
    result = _django_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_site_refuses_to_start_without_a_shared_cache_when_debug_is_off():
    result = _django_check(**{**PRODUCTION, "CACHE_URL": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured: CACHE_URL must name a cache shared by every process" in result.stderr


def test_the_site_refuses_to_start_with_an_in_process_cache_when_debug_is_off():
    result = _django_check(**{**PRODUCTION, "CACHE_URL": "locmemcache://tousu"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: CACHE_URL must name a cache shared by every process" in result.stderr


def test_the_site_refuses_to_start_without_a_mail_server_when_debug_is_off():
    result = _django_check(**{**PRODUCTION, "EMAIL_URL": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_URL must be set when DEBUG is off" in result.stderr


def test_under_debug_the_in_process_cache_and_the_mail_folder_are_allowed():
    result = _django_check(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_time_zone_and_language_are_beijing_and_chinese(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_bootstrap_is_served_from_our_own_static_files(client):
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")


@pytest.mark.django_db
def test_pages_load_no_bootstrap_script_only_its_css(client):
    """The phone menu is toggled by static/js/tousu.js; Bootstrap's bundle is not loaded."""
    html = client.get("/").content.decode()
    assert ("bootstrap/css/bootstrap.min.css" in html, "bootstrap/js/" in html, "js/tousu.js" in html) == (
        True,
        False,
        True,
    )


SMS_TEMPLATES = {
    f"SMS_TEMPLATE_{name}": f"SMS_{index}"
    for index, name in enumerate(
        [
            "LOGIN_CODE",
            "REMINDER_DUE_TOMORROW",
            "REMINDER_OVERDUE",
            "SOLVED_QUESTION",
            "RESPONDENT_ANSWERED",
            "INFO_REQUESTED",
        ]
    )
}


def test_an_sms_provider_without_its_keys_and_template_codes_refuses_to_start_naming_them():
    result = _django_check(**PRODUCTION, SMS_PROVIDER="tencent", SMS_ACCESS_KEY_ID="id", SMS_ACCESS_KEY_SECRET="s")
    assert result.returncode != 0
    assert "SMS_PROVIDER=tencent needs SMS_SDK_APP_ID, SMS_TEMPLATE_LOGIN_CODE" in result.stderr


def test_an_sms_provider_with_its_keys_and_template_codes_starts_and_files_only_is_warned_about():
    configured = {"SMS_PROVIDER": "aliyun", "SMS_ACCESS_KEY_ID": "id", "SMS_ACCESS_KEY_SECRET": "s", **SMS_TEMPLATES}
    result = _django_check(**PRODUCTION, **configured)
    assert result.returncode == 0, result.stderr
    assert "notifications.W001" not in result.stderr + result.stdout
    files_only = _django_check(**PRODUCTION)
    assert "notifications.W001" in files_only.stderr + files_only.stdout
