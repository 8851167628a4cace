"""Security settings and hostile form input."""

import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from notifications.models import OutboundEmail

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert('x')</script>"


def test_production_settings_pass_the_deploy_check_without_security_warnings():
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never does.
        if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not k.startswith("SECURE_")
    }
    env.update(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="tousu.example", SECURE_HSTS_SECONDS="31536000"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "security." not in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_a_csp_that_forbids_inline_scripts(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy


def _inline_scripts(html):
    tags = re.findall(r"<script\b([^>]*)>", html)
    return [attrs for attrs in tags if "src=" not in attrs and "application/json" not in attrs]


@pytest.mark.django_db
def test_no_page_has_an_inline_script(client, consumer, make_complaint):
    complaint = make_complaint(consumer)
    client.force_login(consumer)
    for url in (
        reverse("home"),
        reverse("complaints:new"),
        reverse("complaints:mine"),
        complaint.get_absolute_url(),
        reverse("accounts:profile"),
    ):
        assert _inline_scripts(client.get(url).content.decode()) == [], url


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused(consumer, pinduoduo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(consumer)
    response = client.post(reverse("complaints:new"), {"platform": pinduoduo.pk, "action": "submit"})
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_script_in_every_text_field_is_escaped_on_pages_admin_and_emails(
    client, consumer, staff_user, pinduoduo, django_capture_on_commit_callbacks
):
    client.force_login(consumer)
    data = {
        "platform": pinduoduo.pk,
        "category": "other",
        "order_number": "260305-123456789012345",
        "order_date": "2026-03-05",
        "amount": "10",
        "shop_name": SCRIPT,
        "description": f"{SCRIPT} ' OR 1=1; DROP TABLE complaints_complaint; --",
        "desired_outcome": "other",
        "desired_outcome_detail": SCRIPT,
        "contact_name": SCRIPT[:60],
        "contact_phone": "13912345678",
        "contact_email": "owner@example.com",
        "platform_consent": "on",
        "submission_token": str(uuid.uuid4()),
        "action": "review",
    }
    review = client.post(reverse("complaints:new"), data)
    assert SCRIPT not in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("complaints:new"), {**data, "action": "submit"})
    complaint = Complaint.objects.get()
    assert complaint.shop_name == SCRIPT  # stored as typed, escaped when shown
    client.post(reverse("complaints:message", args=[complaint.reference]), {"text": SCRIPT})

    pages = [client.get(complaint.get_absolute_url()), client.get(reverse("complaints:mine"))]
    staff_user.is_superuser = True  # the admin's own permissions are tested with the staff roles
    staff_user.save()
    client.force_login(staff_user)
    pages.append(client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])))
    pages.append(client.get(reverse("admin:complaints_complaint_changelist")))
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()
    email = OutboundEmail.objects.get(template="complaint_submitted")
    assert SCRIPT not in email.body_html and "&lt;script&gt;" in email.body_html
