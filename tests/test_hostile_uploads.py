"""Every hostile upload is refused with a reason next to its name, or stored safely re-encoded."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from complaints.images import refusal_message
from complaints.models import Complaint, Evidence

from .conftest import process_uploads
from .hostile_corpus import cases
from .test_filing import form_post

pytestmark = pytest.mark.django_db
CASES = cases()


@pytest.mark.parametrize("case", [c for c in CASES if c.expect == "refused"], ids=lambda c: c.name)
def test_a_hostile_file_is_refused_with_its_name_and_reason_and_nothing_is_stored(client, consumer, pinduoduo, case):
    """Refused at upload by the header checks, or (a JPEG cut short, which only a full
    decode finds) by the background check, in which case the next step shows it and the
    complaint cannot be filed with it."""
    client.force_login(consumer)
    files_before = _stored_files()
    upload = SimpleUploadedFile(case.filename, case.data, content_type="image/png")
    post = {**form_post(pinduoduo), "action": "review", "evidence_files": [upload]}
    response = client.post(reverse("complaints:new"), post, HTTP_ACCEPT_LANGUAGE="en")
    if case.code == "damaged":  # only the full decode in the background finds it
        assert response.context.get("file_errors") is None
        assert process_uploads() == ["rejected"]
        carried = [str(e.public_id) for e in Evidence.objects.all()]
        post = {**form_post(pinduoduo), "action": "submit", "evidence": carried}
        response = client.post(reverse("complaints:new"), post, HTTP_ACCEPT_LANGUAGE="en")
        assert not Complaint.objects.exists()
    [(name, reasons)] = response.context["file_errors"]
    with translation.override("en"):
        assert reasons == [refusal_message(case.code)]
    assert case.filename.rsplit("/", 1)[-1] in name
    assert not Evidence.objects.exclude(state="rejected").exists()
    assert _stored_files() == files_before


def _stored_files() -> set:
    root = Path(Evidence._meta.get_field("file").storage.location)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.mark.parametrize("case", [c for c in CASES if c.expect == "stored"], ids=lambda c: c.name)
def test_a_hostile_but_real_image_is_stored_only_as_a_clean_reencode(client, consumer, pinduoduo, case):
    client.force_login(consumer)
    upload = SimpleUploadedFile(case.filename, case.data, content_type="text/html")  # the browser's claim is ignored
    response = client.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": [upload]}
    )
    assert not response.context.get("file_errors")
    assert process_uploads() == ["ready"]
    evidence = Evidence.objects.get()
    stored = evidence.file.open("rb").read()
    image = Image.open(io.BytesIO(stored))
    assert evidence.content_type == Image.MIME[image.format]  # the type of the bytes stored
    assert not image.getexif() and "exif" not in image.info
    assert b"<script>" not in stored and b"A" * 1000 not in stored
    assert getattr(image, "n_frames", 1) == 1
    assert "/" not in evidence.original_name and "\x00" not in evidence.original_name
    assert len(evidence.original_name) <= 100
    assert case.filename not in evidence.file.name  # stored under our own random name
