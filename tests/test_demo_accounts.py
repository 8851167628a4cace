"""The demo accounts of `make run`: their passwords are public, so only under DEBUG."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent
REFUSAL = "create_demo_accounts refuses to run when DEBUG is off: its passwords are published in the README."


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run when DEBUG is off"):
        call_command("create_demo_accounts", stdout=StringIO())
    assert get_user_model().objects.filter(email__endswith="@tousu.local").count() == 0


def test_the_command_line_exits_non_zero_with_the_reason_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, CACHE_URL="redis://127.0.0.1:6379/1", EMAIL_URL="dummymail://")
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_accounts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"CommandError: {REFUSAL}" in result.stderr


@pytest.mark.django_db
def test_the_demo_staff_member_is_a_supervisor_not_a_superuser(settings, django_user_model):
    settings.DEBUG = True
    # An older `make run` made the demo staff member a superuser: running again demotes it.
    django_user_model.objects.create_superuser("staff@tousu.local", "staff@tousu.local", "old-password")
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)

    staff = django_user_model.objects.get(email="staff@tousu.local")
    assert (staff.is_staff, staff.is_superuser) == (True, False)
    assert list(staff.groups.values_list("name", flat=True)) == ["supervisor"]
    assert staff.has_perm("complaints.change_complaint") and staff.has_perm("staff.view_accesslog")
    assert not staff.has_perm("auth.change_user")
    consumer = django_user_model.objects.get(email="consumer@tousu.local")
    assert (consumer.is_staff, consumer.is_superuser, consumer.groups.count()) == (False, False, 0)
    assert out.getvalue().splitlines() == [
        "  consumer   consumer@tousu.local     password: tousu-consumer-2026",
        "  supervisor staff@tousu.local        password: tousu-staff-2026",
    ]
