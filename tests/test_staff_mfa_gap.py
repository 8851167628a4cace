"""The two-factor requirement has no hole: every admin URL sends a staff account
without an authenticator app to set one up, and TOTP secrets are stored encrypted."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staff.roles import SUPERVISOR, create_staff_groups

pytestmark = pytest.mark.django_db


def admin_urls():
    """Every admin URL pattern, with 1 for each path parameter."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    for route in walk(resolver.url_patterns, "/admin/"):
        for name in ("<path:object_id>", "<int:pk>", "<path:url>", "<str:reference>", "<id>"):
            route = route.replace(name, "1")
        if "<" in route or "(?P" in route or route.endswith("$"):
            continue
        yield route


def test_a_superuser_with_only_a_password_reaches_no_admin_page(client, django_user_model, settings):
    settings.STAFF_REQUIRE_MFA = True
    superuser = django_user_model.objects.create_superuser("root", "root@tousu.example", "pw-Root-2026")
    superuser.groups.add(create_staff_groups()[SUPERVISOR])
    client.force_login(superuser)
    urls = sorted(set(admin_urls()))
    assert "/admin/account/emailaddress/1/change/" in urls and "/admin/mfa/authenticator/" in urls
    not_stopped = []
    for url in urls:
        response = client.get(url)
        if not (response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")):
            not_stopped.append((url, response.status_code))
    assert not_stopped == []


def test_totp_secrets_are_stored_encrypted_and_still_check(django_user_model):
    user = django_user_model.objects.create_user("s", "s@tousu.example", "pw-S-2026", is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert secret not in stored and stored.startswith("fernet:")
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert TOTP(Authenticator.objects.get(user=user, type="totp")).validate_code(code)


def test_the_queue_refuses_lookups_it_does_not_declare(client, django_user_model, make_complaint):
    from staff.models import AccessLog
    from staff.roles import REVIEWER

    reviewer = django_user_model.objects.create_user("rev", "rev@tousu.example", "pw-Rev-2026", is_staff=True)
    reviewer.groups.add(create_staff_groups()[REVIEWER])
    make_complaint()
    client.force_login(reviewer)
    queue = reverse("admin:complaints_complaint_changelist")
    assert client.get(queue + "?status__exact=submitted").status_code == 200
    for probe in ("contact_phone__startswith=139", "contact_email__contains=@", "owner__email__startswith=a"):
        assert client.get(f"{queue}?{probe}").status_code == 400
    assert not AccessLog.objects.exists()


def test_the_view_on_site_shortcut_needs_view_permission(client, django_user_model, make_complaint):
    from django.contrib.contenttypes.models import ContentType

    from complaints.models import Complaint

    complaint = make_complaint()
    no_role = django_user_model.objects.create_user("norole", "norole@tousu.example", "pw-No-2026", is_staff=True)
    client.force_login(no_role)
    content_type = ContentType.objects.get_for_model(Complaint)
    url = reverse("admin:view_on_site", args=[content_type.pk, complaint.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert complaint.reference not in response.get("Location", "")
