"""Every staff URL for four personas: anonymous, consumer, reviewer, supervisor."""

import pytest
from django.urls import reverse

from complaints.consents import record_consent
from core.parties import Party
from staff.models import AccessLog
from staff.roles import create_staff_groups

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def _urls(complaint):
    # The packet URLs open what would go to 12315: the consumer has agreed to that here.
    record_consent(user=complaint.owner, complaint=complaint, recipient=Party.REGULATOR)
    pk = complaint.pk
    return {
        # name: (method, url, reviewer's status, supervisor's status)
        "admin home": ("get", reverse("admin:index"), 200, 200),
        "queue": ("get", reverse("admin:complaints_complaint_changelist"), 200, 200),
        "complaint page": ("get", reverse("admin:complaints_complaint_change", args=[pk]), 200, 200),
        "action": ("post", reverse("admin:complaints_complaint_act", args=[pk, "note"]), 302, 302),
        "reveal": ("post", reverse("admin:complaints_complaint_reveal", args=[pk, "phone"]), 200, 200),
        "packet": ("get", reverse("admin:complaints_complaint_packet", args=[pk, "12315"]), 200, 200),
        "packet zip": ("get", reverse("admin:complaints_complaint_packet_zip", args=[pk, "12315"]), 200, 200),
        "platforms": ("get", reverse("admin:platforms_platform_changelist"), 200, 200),
        # Every email, platform ones included, with whole contact details: supervisors only.
        "outbox": ("get", reverse("admin:notifications_outboundemail_changelist"), 403, 200),
        "access log": ("get", reverse("admin:staff_accesslog_changelist"), 403, 200),
        "channels": ("get", reverse("admin:channels_channel_changelist"), 403, 200),
        "add channel": ("get", reverse("admin:channels_channel_add"), 403, 200),
        "deadline policies": ("get", reverse("admin:escalation_deadlinepolicy_changelist"), 403, 200),
        "holiday overrides": ("get", reverse("admin:escalation_holidayoverride_changelist"), 403, 200),
        "add holiday override": ("get", reverse("admin:escalation_holidayoverride_add"), 403, 200),
    }


def _request(client, method, url):
    data = {"note-text": "internal"} if method == "post" else None
    return getattr(client, method)(url, data)


def test_anonymous_visitors_are_sent_to_the_admin_login_from_every_staff_url(client, complaint):
    for name, (method, url, _r, _s) in _urls(complaint).items():
        response = _request(client, method, url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), name


def test_a_consumer_never_reaches_any_staff_url(client, consumer, complaint):
    client.force_login(consumer)
    for name, (method, url, _r, _s) in _urls(complaint).items():
        response = _request(client, method, url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), name
    assert not AccessLog.objects.exists()
    assert not complaint.events.filter(staff_only=True).exists()


def test_a_reviewer_works_complaints_but_not_channels_policies_or_the_access_log(client, reviewer, complaint):
    client.force_login(reviewer)
    for name, (method, url, expected, _s) in _urls(complaint).items():
        assert _request(client, method, url).status_code == expected, name


def test_a_supervisor_reaches_every_staff_url(client, supervisor, complaint):
    client.force_login(supervisor)
    for name, (method, url, _r, expected) in _urls(complaint).items():
        assert _request(client, method, url).status_code == expected, name


def test_staff_without_a_role_see_no_complaint(client, staff_user, complaint):
    client.force_login(staff_user)
    statuses = {
        name: _request(client, method, url).status_code for name, (method, url, _r, _s) in _urls(complaint).items()
    }
    # They may sign in to the admin (is_staff), and find nothing there.
    assert statuses == {name: 200 if name == "admin home" else 403 for name in _urls(complaint)}
    assert not AccessLog.objects.exists()
    assert not complaint.events.filter(staff_only=True).exists()


def test_creating_the_groups_twice_changes_nothing(groups):
    before = {name: set(group.permissions.values_list("codename", flat=True)) for name, group in groups.items()}
    again = create_staff_groups()
    after = {name: set(group.permissions.values_list("codename", flat=True)) for name, group in again.items()}
    assert before == after
    assert {"change_complaint", "reveal_contact"} <= after["reviewer"] and "view_accesslog" not in after["reviewer"]
    assert {"view_accesslog", "change_channel", "change_deadlinepolicy", "change_holidayoverride"} <= after[
        "supervisor"
    ]
