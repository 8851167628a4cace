"""Email goes only to addresses their holder confirmed (complaints.recipients), and a
password reset for an unknown address sends nothing."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from actions.messages import post_message
from actions.status import transition
from complaints import recipients
from complaints.models import Complaint
from complaints.states import Actor, Status
from notifications.models import OutboundEmail

from .test_filing import form_post

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
STRANGER = "victim@stranger.example"
BAIT_NAME = "退款专员提醒:请加QQ 88886666"
BAIT_TEXT = "您的退款已到账,请加QQ 88886666 联系退款专员领取。"


@pytest.fixture
def logged_in(client, consumer):
    client.force_login(consumer)
    return client


def file_with_contact(client, platform, email, django_capture_on_commit_callbacks) -> Complaint:
    """File through the real form, as the attacker did, and run what commits trigger."""
    data = form_post(platform, action="submit", contact_email=email, contact_name=BAIT_NAME, description=BAIT_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:new"), data)
    assert response.status_code == 302
    return Complaint.objects.get(submission_token=data["submission_token"])


def messages_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def everything_in(message) -> str:
    return "\n".join([message.subject, message.body, *(content for content, _type in message.alternatives)])


def confirmation_path(message) -> str:
    [path] = re.findall(r"(/complaints/contact/confirm/[^/\s]+/)", message.body)
    return path


def test_ten_filings_with_a_strangers_address_send_the_stranger_one_link_and_no_typed_text(
    logged_in, pinduoduo, django_capture_on_commit_callbacks
):
    for _ in range(10):
        file_with_contact(logged_in, pinduoduo, STRANGER, django_capture_on_commit_callbacks)
    [link] = messages_to(STRANGER)
    # The signed link is random letters and may spell "QQ" by chance: look at the text around it.
    text = everything_in(link).replace(confirmation_path(link), "")
    for typed in ("QQ", "88886666", "退款专员", BAIT_NAME, BAIT_TEXT):
        assert typed not in text
    assert confirmation_path(link) in link.alternatives[0][0]
    assert OutboundEmail.objects.filter(to=STRANGER).values_list("template", flat=True).get() == "contact_email_confirm"
    # Meanwhile the confirmations of the filings go to the account's verified address.
    assert len(messages_to("owner@example.com")) == 10
    assert all(m.subject.startswith("[Tousu]") for m in messages_to("owner@example.com"))


def test_no_confirmation_link_goes_out_when_the_account_files_with_its_own_verified_address(
    logged_in, pinduoduo, django_capture_on_commit_callbacks
):
    complaint = file_with_contact(logged_in, pinduoduo, "Owner@Example.com", django_capture_on_commit_callbacks)
    assert recipients.recipient_for(complaint) == "Owner@Example.com"
    assert [m.to for m in mail.outbox] == [["Owner@Example.com"]]
    assert not OutboundEmail.objects.filter(template="contact_email_confirm").exists()


def test_the_complaint_page_says_a_link_was_sent_and_where_mail_goes_meanwhile(
    logged_in, pinduoduo, django_capture_on_commit_callbacks
):
    complaint = file_with_contact(logged_in, pinduoduo, STRANGER, django_capture_on_commit_callbacks)
    html = logged_in.get(complaint.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    [note] = re.findall(r'<div class="small text-muted mt-1" id="contact-unconfirmed">(.*?)</div>', html, re.S)
    assert " ".join(note.split()) == (
        f"We sent a link to {STRANGER} to confirm this address. "
        "Until it is confirmed, emails about this complaint go to your account’s address, owner@example.com."
    )


def test_until_confirmed_staff_updates_go_to_the_account_and_after_confirming_to_the_contact(
    logged_in, client, pinduoduo, staff_user, django_capture_on_commit_callbacks
):
    complaint = file_with_contact(logged_in, pinduoduo, STRANGER, django_capture_on_commit_callbacks)
    path = confirmation_path(messages_to(STRANGER)[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]

    client.logout()  # the mailbox's holder needs no account
    assert client.get(path).status_code == 200  # a mail scanner opening the link confirms nothing
    assert Complaint.objects.get(pk=complaint.pk).contact_email_confirmed_at is None
    assert client.post(path).status_code == 200
    complaint.refresh_from_db()
    assert complaint.contact_email_confirmed_at is not None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_message(complaint, actor=staff_user, role=Actor.STAFF, text="请补充截图")
    assert [m.to for m in mail.outbox] == [[STRANGER]]
    assert "请补充截图" in mail.outbox[0].body


def test_one_confirmation_covers_the_owners_other_complaints_with_that_address(
    logged_in, client, pinduoduo, django_capture_on_commit_callbacks
):
    first = file_with_contact(logged_in, pinduoduo, STRANGER, django_capture_on_commit_callbacks)
    second = file_with_contact(logged_in, pinduoduo, STRANGER.upper(), django_capture_on_commit_callbacks)
    client.post(confirmation_path(messages_to(STRANGER)[0]))
    assert recipients.recipient_for(Complaint.objects.get(pk=first.pk)) == STRANGER
    assert recipients.recipient_for(Complaint.objects.get(pk=second.pk)) == STRANGER.upper()


def test_an_account_sends_links_to_at_most_three_new_addresses_a_day(
    logged_in, pinduoduo, django_capture_on_commit_callbacks
):
    addresses = [f"person{i}@stranger.example" for i in range(5)]
    for address in addresses:
        file_with_contact(logged_in, pinduoduo, address, django_capture_on_commit_callbacks)
    assert [len(messages_to(address)) for address in addresses] == [1, 1, 1, 0, 0]


def test_a_confirmation_link_older_than_seven_days_confirms_nothing(consumer, make_complaint, client):
    sent = dt.datetime(2026, 5, 11, 10, 0, tzinfo=BJ)
    with time_machine.travel(sent, tick=False):
        complaint = make_complaint(consumer, images=0, contact_email=STRANGER)
        path = reverse("complaints:confirm_contact", args=[recipients.confirmation_token(complaint)])
    with time_machine.travel(sent + dt.timedelta(days=8), tick=False):
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410
    assert Complaint.objects.get(pk=complaint.pk).contact_email_confirmed_at is None


def test_a_forged_or_outdated_confirmation_link_is_not_found(consumer, make_complaint, client):
    complaint = make_complaint(consumer, images=0, contact_email=STRANGER)
    token = recipients.confirmation_token(complaint)
    assert client.post(reverse("complaints:confirm_contact", args=["1.abc:forged:sig"])).status_code == 404
    # The address changed after the link went out: the old link confirms nothing.
    Complaint.objects.filter(pk=complaint.pk).update(contact_email="other@stranger.example")
    assert client.post(reverse("complaints:confirm_contact", args=[token])).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).contact_email_confirmed_at is None


def test_an_account_without_a_verified_address_is_sent_nothing(
    consumer, make_complaint, staff_user, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=consumer).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(consumer, images=0)
        transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    assert recipients.recipient_for(complaint) is None
    # Only the link asking the holder to confirm the contact address; no content.
    assert list(OutboundEmail.objects.values_list("template", flat=True)) == ["contact_email_confirm"]
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_a_password_reset_for_an_unknown_address_sends_nothing(client, consumer):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@stranger.example"})
    assert response.status_code == 302  # the same answer as for a known address
    assert mail.outbox == []
    client.post(reverse("account_reset_password"), {"email": "owner@example.com"})
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
