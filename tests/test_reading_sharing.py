"""The consumer's choice, per complaint and recipient, to show the personal data OCR found
on their evidence: blurred by default, the sanitised image itself once shown, recorded
with who and when, and asked by every path that sends evidence out (reading.sharing)."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from actions.forwarding import platform_attachments
from actions.status import transition
from complaints import access, evidence_pipeline
from complaints.consents import record_consent
from complaints.models import Complaint, Evidence
from complaints.states import Actor, Status
from core.parties import Party
from escalation.packet import evidence_zip
from escalation.paperwork.documents import evidence_items
from reading.models import ScreenshotReading, SharingChoice
from reading.sharing import choose, shared_copy, shows_personal_data

from .conftest import process_uploads
from .test_reading_blur import noisy_image

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-25 10:00")]

PHONE_BOX = [50, 60, 250, 90]


@pytest.fixture
def complaint(consumer, make_complaint):
    """An answered complaint (the packet is open) with one noisy PNG on which OCR "found"
    a phone number, and the consumer's consent to share it with 12315."""
    complaint = make_complaint(consumer, images=0)
    out = io.BytesIO()
    noisy_image((400, 300)).save(out, format="PNG")

    evidence = evidence_pipeline.stage_evidence(consumer, SimpleUploadedFile("order.png", out.getvalue()))
    process_uploads()
    Evidence.objects.filter(pk=evidence.pk).update(complaint=complaint)
    ScreenshotReading.objects.filter(evidence=evidence).update(
        status=ScreenshotReading.Status.READ, personal_data=[{"kind": "phone", "box": PHONE_BOX}]
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.PLATFORM_RESPONDED)
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    complaint.refresh_from_db()
    return complaint


def stored_bytes(evidence) -> bytes:
    with evidence.file.open("rb") as handle:
        return handle.read()


def test_every_recipient_gets_the_blurred_copy_until_the_consumer_chooses(complaint):
    evidence = complaint.evidence.get()
    for recipient in Party.values:
        assert not shows_personal_data(complaint.pk, recipient)
        copy = shared_copy(evidence, recipient)
        assert copy != stored_bytes(evidence), recipient
        assert Image.open(io.BytesIO(copy)).getpixel((100, 75)) != noisy_image((400, 300)).getpixel((100, 75))


def test_showing_to_one_recipient_gives_it_the_sanitised_image_and_leaves_the_others_blurred(complaint, consumer):
    evidence = complaint.evidence.get()
    choose(complaint=complaint, recipient=Party.REGULATOR, show=True, user=consumer)
    assert shared_copy(evidence, Party.REGULATOR) == stored_bytes(evidence)
    for recipient in (Party.PLATFORM, Party.ASSOCIATION, Party.COURT):
        assert shared_copy(evidence, recipient) != stored_bytes(evidence), recipient


def test_the_newest_choice_is_in_force_and_each_is_kept_with_who_and_when(complaint, consumer):
    evidence = complaint.evidence.get()
    choose(complaint=complaint, recipient=Party.COURT, show=True, user=consumer)
    later = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
    choose(complaint=complaint, recipient=Party.COURT, show=False, user=consumer, at=later)
    assert shared_copy(evidence, Party.COURT) != stored_bytes(evidence)
    rows = list(
        SharingChoice.objects.filter(complaint=complaint).values_list("show_personal_data", "chosen_by", "chosen_at")
    )
    start = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    assert rows == [(True, consumer.pk, start), (False, consumer.pk, start + dt.timedelta(hours=1))]


def test_an_unknown_recipient_is_refused(complaint, consumer):
    with pytest.raises(ValueError):
        choose(complaint=complaint, recipient="press", show=True, user=consumer)
    assert not SharingChoice.objects.exists()


def test_the_packet_zip_holds_the_copy_for_its_body_and_names_both_hashes(complaint, consumer):
    evidence = complaint.evidence.get()
    contact = access.masked_contact(complaint)

    def zipped_copy(body):
        archive = zipfile.ZipFile(io.BytesIO(evidence_zip(complaint, body, viewer=consumer, contact=contact)))
        return archive.read("evidence/01.png"), archive.read("index.txt").decode()

    blurred, _index = zipped_copy("association")
    choose(complaint=complaint, recipient=Party.ASSOCIATION, show=True, user=consumer)
    shown, index = zipped_copy("association")
    assert blurred != stored_bytes(evidence) and shown == stored_bytes(evidence)
    digest = hashlib.sha256(shown).hexdigest()
    assert f"evidence/01.png  sha256={digest}  upload-sha256={evidence.sha256}  " in index
    assert zipped_copy("12315")[0] == blurred


def test_the_court_draft_and_the_letter_list_the_copy_for_their_recipient(complaint, consumer):
    evidence = complaint.evidence.get()
    choose(complaint=complaint, recipient=Party.COURT, show=True, user=consumer)
    [court] = evidence_items(complaint, consumer, Party.COURT)
    [letter] = evidence_items(complaint, consumer, "12315")
    assert court.data == stored_bytes(evidence) and court.copy_sha256 == hashlib.sha256(court.data).hexdigest()
    assert letter.data != stored_bytes(evidence) and court.upload_sha256 == letter.upload_sha256 == evidence.sha256


def test_the_platform_email_attaches_the_platform_copy(complaint, consumer):
    evidence = complaint.evidence.get()

    def attached():
        [attachment] = platform_attachments([evidence])
        return attachment.content

    assert attached() != stored_bytes(evidence)
    choose(complaint=complaint, recipient=Party.PLATFORM, show=True, user=consumer)
    assert attached() == stored_bytes(evidence)


# --- The owner's form and preview ------------------------------------------------------


def choice_url(complaint, recipient="12315"):
    return reverse("reading:sharing_choice", args=[complaint.reference, recipient])


def test_the_owner_shows_their_data_to_12315_and_is_sent_back_to_the_packet(client, complaint, consumer):
    client.force_login(consumer)
    response = client.post(choice_url(complaint), {"show": "1", "back": "12315"})
    assert response.status_code == 302
    assert response["Location"] == reverse("escalation:packet", args=[complaint.reference, "12315"])
    choice = SharingChoice.objects.get()
    assert (choice.recipient, choice.show_personal_data, choice.chosen_by) == ("12315", True, consumer)


def test_a_choice_without_show_records_nothing_and_says_why(client, complaint, consumer):
    client.force_login(consumer)
    response = client.post(choice_url(complaint), {"back": "12315"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Please choose whether to show or blur your personal data." in response.content.decode()
    assert not SharingChoice.objects.exists()


def test_nobody_else_can_choose_for_the_owner(client, complaint, other_consumer):
    client.force_login(other_consumer)
    assert client.post(choice_url(complaint), {"show": "1"}).status_code == 404
    assert client.post(choice_url(complaint, "press"), {"show": "1"}).status_code == 404
    assert not SharingChoice.objects.exists()


def test_the_packet_page_previews_the_blurred_copy_with_a_note_and_the_toggle(client, complaint, consumer):
    client.force_login(consumer)
    evidence = complaint.evidence.get()
    page = client.get(reverse("escalation:packet", args=[complaint.reference, "12315"])).content.decode()
    preview = reverse("reading:shared_preview", args=[complaint.reference, "12315", evidence.public_id])
    assert f'src="{preview}"' in page
    assert "已遮盖：手机号码。" in page
    assert 'name="show" value="1"' in page and choice_url(complaint) in page
    blurred = Image.open(io.BytesIO(client.get(preview).content))
    client.post(choice_url(complaint), {"show": "1", "back": "12315"})
    page = client.get(reverse("escalation:packet", args=[complaint.reference, "12315"])).content.decode()
    assert "按原样显示。" in page and 'name="show" value="0"' in page
    response = client.get(preview)
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
    shown = Image.open(io.BytesIO(response.content))
    # Blurred by allow-list: the reading let nothing through, so the phone's row and the
    # rest of the picture both differ from the copy shown as it is.
    assert blurred.size == shown.size == (400, 300)
    assert row_difference(blurred, shown, 75) > 0 and row_difference(blurred, shown, 250) > 0


def row_difference(one, other, y) -> int:
    return sum(
        abs(a - b) for x in range(60, 240) for a, b in zip(one.getpixel((x, y)), other.getpixel((x, y)), strict=True)
    )


def test_the_complaint_page_says_when_the_platform_already_got_the_copies(client, consumer, make_complaint, staff_user):
    """A choice made after staff forwarded the complaint cannot change what the platform
    already received: the page says so, with the day it was sent."""
    complaint = make_complaint(consumer, images=1)
    process_uploads()
    client.force_login(consumer)
    note = "您的投诉已于 "
    assert note not in client.get(complaint.get_absolute_url()).content.decode()
    transition(complaint, Status.FORWARDED, actor=staff_user, role=Actor.STAFF)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "您的投诉已于 2026-11-25 10:00 发送给平台，附上当时的副本。现在的更改只适用于之后发送的内容。" in page


def test_an_image_not_read_yet_has_no_preview_and_asking_for_the_preview_reads_nothing(client, complaint, consumer):
    """OCR runs on the ocr worker only: the preview of an image still waiting there is a
    404 (the page says it is not checked yet), and asking for it reads nothing. (Only the
    preview: the packet, the PDFs and forwarding are not covered here.)"""
    evidence = complaint.evidence.get()
    ScreenshotReading.objects.filter(evidence=evidence).delete()
    client.force_login(consumer)
    preview = reverse("reading:shared_preview", args=[complaint.reference, "12315", evidence.public_id])
    assert client.get(preview).status_code == 404
    assert not ScreenshotReading.objects.filter(evidence=evidence).exists()
    page = client.get(reverse("escalation:packet", args=[complaint.reference, "12315"])).content.decode()
    assert f'src="{preview}"' not in page
    assert "尚未检查；共享前会先检查。" in page
