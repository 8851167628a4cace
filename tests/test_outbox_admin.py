"""The outbox admin's "retry now" sends email: only staff who may change the outbox may use it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_email():
    return OutboundEmail.objects.create(
        template="complaint_filed",
        to="owner@example.com",
        language="zh-hans",
        subject="投诉已提交",
        body_text="正文",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTP down",
    )


def _staff_with(staff_user, *codenames):
    staff_user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="notifications", codename__in=codenames)
    )
    return staff_user


def _retry(client, email):
    return client.post(
        reverse("admin:notifications_outboundemail_changelist"),
        {"action": "retry_now", "_selected_action": [email.pk], "index": 0},
        follow=True,
    )


def test_a_supervisor_who_may_only_view_the_outbox_cannot_retry_sending(client, staff_user, failed_email):
    client.force_login(_staff_with(staff_user, "view_outboundemail"))
    changelist = client.get(reverse("admin:notifications_outboundemail_changelist"))
    assert changelist.status_code == 200
    assert 'value="retry_now"' not in changelist.content.decode()

    _retry(client, failed_email)

    failed_email.refresh_from_db()
    assert (failed_email.status, failed_email.attempts) == (OutboundEmail.Status.FAILED, 5)


def test_staff_who_may_change_the_outbox_can_retry_sending(client, staff_user, failed_email, mailoutbox):
    client.force_login(_staff_with(staff_user, "view_outboundemail", "change_outboundemail"))

    _retry(client, failed_email)

    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.SENT
    assert [message.to for message in mailoutbox] == [["owner@example.com"]]


@pytest.mark.django_db
def test_the_outbox_is_masked_and_a_message_opens_only_through_a_logged_reveal(
    client, django_user_model, make_complaint
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from notifications.models import OutboundEmail
    from staff.models import AccessLog
    from staff.roles import SUPERVISOR, create_staff_groups

    complaint = make_complaint()
    email = OutboundEmail.objects.filter(about_id=complaint.pk).first()
    supervisor = django_user_model.objects.create_user("sup2", "sup2@tousu.example", "pw-Sup-2026", is_staff=True)
    supervisor.groups.add(create_staff_groups()[SUPERVISOR])
    client.force_login(supervisor)
    change = client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk])).content.decode()
    listing = client.get(reverse("admin:notifications_outboundemail_changelist")).content.decode()
    for page in (change, listing):
        assert email.to not in page and complaint.contact_name not in page
    reveal = reverse("admin:notifications_outboundemail_reveal", args=[email.pk])
    assert email.to not in client.get(reveal).content.decode()  # the GET only asks
    assert not AccessLog.objects.filter(field="email_body").exists()
    opened = client.post(reveal).content.decode()
    assert email.to in opened
    assert AccessLog.objects.filter(field="email_body", user=supervisor, complaint=complaint).count() == 1
    # Viewing the outbox without reveal_contact: masked, and no way to open a message.
    viewer = django_user_model.objects.create_user("viewer", "viewer@tousu.example", "pw-View-2026", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(viewer)
    assert client.post(reveal).status_code == 403
