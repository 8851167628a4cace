"""Issue 23 part 7, the smaller holes: evidence files readable by the app's user only,
and password-reset mail to one address capped."""

import stat
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_evidence_files_are_written_0600_in_folders_0700(consumer, make_complaint):
    complaint = make_complaint(consumer, images=1)
    evidence = complaint.evidence.get()
    for field in (evidence.file, evidence.thumbnail):
        path = Path(field.path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent


def test_password_reset_mail_reaches_one_address_three_times_an_hour_not_sixty(client, consumer):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": consumer.email})
    assert sum(consumer.email in message.to for message in mail.outbox) == 3
