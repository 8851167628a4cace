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


def test_sign_ups_never_confirmed_are_deleted_after_seven_days_and_no_other_account(
    client, consumer, django_user_model
):
    import datetime as dt

    import time_machine
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import PhoneNumber
    from actions.erasure import purge_unverified_sign_ups

    signed_up = timezone.now()
    with time_machine.travel(signed_up, tick=False):
        data = {"email": "stranger@example.com", "password1": "Long-enough-2026!", "password2": "Long-enough-2026!"}
        client.post(reverse("account_signup"), data)
        by_phone = django_user_model.objects.create_user("phone-only", "", "pw-Secret-2026")
        PhoneNumber.objects.create(user=by_phone, phone="+8613900001111", verified=True)
    stranger = django_user_model.objects.get(email="stranger@example.com")
    assert not EmailAddress.objects.filter(user=stranger, verified=True).exists()
    django_user_model.objects.filter(pk=consumer.pk).update(date_joined=signed_up, last_login=None)

    with time_machine.travel(signed_up + dt.timedelta(days=6, hours=23), tick=False):
        assert purge_unverified_sign_ups() == 0
    with time_machine.travel(signed_up + dt.timedelta(days=7, minutes=1), tick=False):
        assert purge_unverified_sign_ups() == 1
        assert purge_unverified_sign_ups() == 0
    remaining = set(django_user_model.objects.values_list("pk", flat=True))
    assert stranger.pk not in remaining and {consumer.pk, by_phone.pk} <= remaining
    assert not EmailAddress.objects.filter(email="stranger@example.com").exists()
