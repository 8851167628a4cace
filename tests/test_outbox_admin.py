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
