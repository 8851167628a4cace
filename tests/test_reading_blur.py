"""Copies that leave Tousu are blurred except the boxes the allow-list let through."""

import hashlib
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints import access, evidence_pipeline
from escalation.packet import evidence_zip
from reading.blur import blur_boxes, blur_except, blurred_bytes
from reading.models import ScreenshotReading
from reading.sharing import shared_copy

from .conftest import process_uploads


def noisy_image(size=(300, 200), seed=1) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))


def test_pixels_inside_a_box_change_and_pixels_outside_do_not():
    image = noisy_image()
    box = (100, 50, 220, 90)
    blurred = blur_boxes(image, [box])
    assert blurred.size == image.size and image.tobytes() == noisy_image().tobytes(), "the original is untouched"
    inside = [(x, y) for x in range(box[0], box[2]) for y in range(box[1], box[3])]
    changed = sum(image.getpixel(p) != blurred.getpixel(p) for p in inside)
    assert changed >= 0.95 * len(inside)
    padded = (box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4)
    outside = [
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if not (padded[0] <= x < padded[2] and padded[1] <= y < padded[3])
    ]
    assert all(image.getpixel(p) == blurred.getpixel(p) for p in outside)


def test_a_box_reaching_past_the_edge_is_clipped():
    blurred = blur_boxes(noisy_image(), [(-50, -50, 40, 30), (500, 500, 600, 600)])
    assert blurred.getpixel((10, 10)) != noisy_image().getpixel((10, 10))
    assert blurred.getpixel((100, 100)) == noisy_image().getpixel((100, 100))


def test_blurred_bytes_keep_the_format_and_nothing_to_blur_keeps_the_bytes():
    out = io.BytesIO()
    noisy_image().save(out, format="PNG")
    data = out.getvalue()
    assert blurred_bytes(data, "image/png", []) is data
    copy = blurred_bytes(data, "image/png", [[10, 10, 60, 40]])
    assert copy != data and Image.open(io.BytesIO(copy)).format == "PNG"


def test_blur_except_keeps_only_the_clear_boxes_exact():
    image = noisy_image()
    clear = (100, 50, 220, 90)
    blurred = blur_except(image, [clear, (-20, -20, 5, 5)])
    assert blurred.size == image.size and image.tobytes() == noisy_image().tobytes(), "the original is untouched"
    inside = [(x, y) for x in range(clear[0], clear[2]) for y in range(clear[1], clear[3])]
    assert all(image.getpixel(p) == blurred.getpixel(p) for p in inside)
    outside = [
        (x, y)
        for x in range(0, image.width, 7)
        for y in range(0, image.height, 7)
        if not (clear[0] <= x < clear[2] and clear[1] <= y < clear[3]) and not (x < 5 and y < 5)
    ]
    changed = sum(image.getpixel(p) != blurred.getpixel(p) for p in outside)
    assert changed >= 0.95 * len(outside)


def test_blur_except_with_no_clear_box_blurs_everything():
    image = noisy_image()
    blurred = blur_except(image, [])
    points = [(x, y) for x in range(0, image.width, 5) for y in range(0, image.height, 5)]
    assert sum(image.getpixel(p) != blurred.getpixel(p) for p in points) >= 0.95 * len(points)


@pytest.fixture
def read_evidence_with_a_phone(consumer):
    out = io.BytesIO()
    noisy_image((400, 300)).save(out, format="PNG")
    evidence = evidence_pipeline.stage_evidence(consumer, SimpleUploadedFile("e.png", out.getvalue()))
    process_uploads()
    # Stand in for what OCR found on it (the reading of a real screenshot is tested in test_reading).
    ScreenshotReading.objects.filter(evidence=evidence).update(
        status=ScreenshotReading.Status.READ,
        personal_data=[{"kind": "phone", "box": [50, 60, 250, 90]}],
        shareable_boxes=[[300, 200, 400, 300]],
    )
    evidence.refresh_from_db()
    return evidence


@pytest.mark.django_db
def test_the_shared_copy_is_blurred_and_the_stored_file_is_not(read_evidence_with_a_phone):
    evidence = read_evidence_with_a_phone
    with evidence.file.open("rb") as handle:
        original = handle.read()
    copy = Image.open(io.BytesIO(shared_copy(evidence, "platform")))
    stored = Image.open(io.BytesIO(original))
    assert copy.getpixel((100, 75)) != stored.getpixel((100, 75)), "the phone's box is blurred"
    assert copy.getpixel((20, 250)) != stored.getpixel((20, 250)), "a box the allow-list did not pass is blurred"
    assert copy.getpixel((350, 250)) == stored.getpixel((350, 250)), "an allowed box stays as it was"
    with evidence.file.open("rb") as handle:
        assert handle.read() == original


@pytest.mark.django_db
def test_the_packet_holds_the_blurred_copy_and_lists_both_hashes(read_evidence_with_a_phone, make_complaint, consumer):
    complaint = make_complaint(consumer, images=0)
    evidence = read_evidence_with_a_phone
    type(evidence).objects.filter(pk=evidence.pk).update(complaint=complaint)
    zipped = evidence_zip(complaint, "12315", viewer=consumer, contact=access.masked_contact(complaint))
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    shared = archive.read("evidence/01.png")
    assert shared == shared_copy(evidence, "12315")
    with evidence.file.open("rb") as handle:
        assert shared != handle.read()
    index = archive.read("index.txt").decode()
    assert f"evidence/01.png  sha256={hashlib.sha256(shared).hexdigest()}  upload-sha256={evidence.sha256}  " in index
