"""A worker that cannot be knocked over (issue 21, part 2): no image reaches RapidOCR in a
shape that blows up its memory, a reading that raised or was killed twice is recorded as
failed and never read again, and a failed reading never breaks a complaint's exports."""

# ruff: noqa: F811 (the paperwork tests' fixtures, imported by name)

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from complaints.images import sanitise_image
from complaints.models import Evidence
from reading import engine, services
from reading.models import ReadingAttempt, ScreenshotReading
from reading.sharing import shared_copy
from tests.escalation.conftest import policies  # noqa: F401 (a fixture)
from tests.escalation.test_paperwork import consented, overdue, url  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-20 09:00")]


def thin_png(width=24, height=2000) -> bytes:
    """The image that made RapidOCR raise ResizeImgError: a 24 px column of strokes."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(4, height - 16, 24):
        draw.rectangle((3, top, 18, top + 12), fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def stored_evidence(complaint, data: bytes, name="thin.png") -> Evidence:
    clean = sanitise_image(data)
    evidence = Evidence(
        owner=complaint.owner,
        complaint=complaint,
        original_name=name,
        state=Evidence.State.READY,
        content_type=clean.content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(clean.content),
        width=clean.width,
        height=clean.height,
    )
    evidence.file.save(f"clean-{name}", ContentFile(clean.content), save=False)
    evidence.thumbnail.save(f"thumb-{name}.jpg", ContentFile(clean.thumbnail), save=False)
    evidence.save()
    return evidence


@pytest.mark.parametrize("size", [(24, 2000), (117, 2000), (2000, 24), (924, 2000), (2000, 2000), (16, 16)])
def test_no_tile_reaches_the_engine_flatter_than_the_cap_nor_detects_beyond_the_bound(size):
    width, height = size
    parts = engine.tiles(width, height)
    assert 1 <= len(parts) <= engine.MAX_TILES
    for x0, y0, x1, y1 in parts:
        w, h = x1 - x0, y1 - y0
        assert max(w, h) <= engine.MAX_ASPECT * min(w, h) or (w, h) == size
        det_w, det_h = engine.detection_size(w, h)
        # Before the caps, 24x2000 was detected at 51072x608 and 117x2000 at 608x10400.
        assert det_w * det_h <= engine.DET_MIN_SIDE**2 * engine.MAX_ASPECT * 1.1 or max(det_w, det_h) <= engine.MAX_SIDE
    # A long image is covered from its start, each tile overlapping the next.
    if len(parts) > 1:
        assert parts[0][:2] == (0, 0)
        along = (1, 3) if height >= width else (0, 2)
        assert all(later[along[0]] < earlier[along[1]] for earlier, later in zip(parts, parts[1:], strict=False))


def test_a_long_screenshot_is_read_in_tiles_with_boxes_in_the_whole_images_pixels(cjk_fonts):
    from tests.screenshotgen import order_screenshot

    shot = order_screenshot("pinduoduo", seed=7, size=(600, 2532))  # 4.2:1, read as tiles
    image = shot.image.convert("RGB")
    assert len(engine.tiles(*image.size)) > 1
    boxes = engine.read_text(image)
    texts = " ".join(box.text for box in boxes)
    assert shot.labels["order_number"] in texts.replace(" ", "")
    assert all(0 <= box.box[1] < box.box[3] <= image.height for box in boxes)
    # A line in the overlap of two tiles is kept once.
    assert len({(box.text, box.box[1] // 8) for box in boxes}) == len(boxes)


def test_the_thin_image_that_made_rapidocr_raise_is_read_without_an_error(consented):
    evidence = stored_evidence(consented, thin_png())
    assert services.read_evidence(evidence.pk) in ("read", "nothing_found")
    assert ScreenshotReading.objects.get(evidence=evidence).status != ScreenshotReading.Status.FAILED


def test_a_reading_killed_twice_is_recorded_failed_at_the_next_start_without_reading(consented, monkeypatch):
    evidence = stored_evidence(consented, thin_png())
    # Two starts that never finished: the worker child was killed (memory ceiling, hard limit).
    services.start_attempt(evidence.pk)
    services.start_attempt(evidence.pk)
    monkeypatch.setattr(services, "read_screenshot", lambda *a, **k: pytest.fail("read a third time"))
    assert services.read_evidence(evidence.pk) == ScreenshotReading.Status.FAILED
    assert ReadingAttempt.objects.get(evidence=evidence).attempts == 3
    # Never read again: the catch-up no longer hands it out, and a redelivery skips it.
    assert evidence.pk not in services.unread_evidence_ids()
    assert services.read_evidence(evidence.pk) == "skipped"


def test_a_read_past_its_soft_time_limit_is_recorded_failed(consented, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    evidence = stored_evidence(consented, thin_png())

    def out_of_time(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "read_screenshot", out_of_time)
    assert services.read_evidence(evidence.pk, out_of_time=SoftTimeLimitExceeded) == ScreenshotReading.Status.FAILED


def test_the_engine_raising_is_a_failed_reading_not_an_error(consented, monkeypatch):
    evidence = stored_evidence(consented, thin_png())

    def raising(*args, **kwargs):
        raise RuntimeError("onnxruntime: bad shape")

    monkeypatch.setattr(engine, "engine", lambda: raising)
    assert services.read_evidence(evidence.pk) == ScreenshotReading.Status.FAILED


@pytest.mark.parametrize("kind", ["12315", "court"])
def test_a_failed_reading_never_breaks_the_complaints_pdfs_and_leaves_wholly_blurred(consented, client, kind):
    evidence = stored_evidence(consented, thin_png())
    ScreenshotReading.objects.create(evidence=evidence, status=ScreenshotReading.Status.FAILED, seconds=0)
    client.force_login(consented.owner)
    response = client.get(url(consented, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    copy = shared_copy(evidence, kind)
    with evidence.file.open("rb") as handle:
        assert copy is not None and copy != handle.read()


def test_a_tiny_webp_that_expands_is_refused_before_any_pixel_is_decoded(settings):
    from django.core.exceptions import ValidationError

    from complaints.images import inspect_image

    out = io.BytesIO()
    Image.new("RGB", (7000, 7000), (250, 250, 250)).save(out, format="WEBP", lossless=True)
    data = out.getvalue()
    assert len(data) < 4096  # 49 megapixels in a few KB: decoded, it took the images worker to 823 MB
    for check in (inspect_image, sanitise_image):
        with pytest.raises(ValidationError) as refused:
            check(data)
        assert refused.value.code == "webp_too_many_pixels"
    # A phone's WebP screenshot is still stored.
    out = io.BytesIO()
    Image.new("RGB", (1170, 2532), (250, 250, 250)).save(out, format="WEBP")
    assert sanitise_image(out.getvalue()).width == 924


def test_past_the_hourly_quota_a_reading_is_handed_back_at_the_lowest_priority_and_read_later(
    consented, settings, monkeypatch
):
    from reading import tasks

    settings.READING_QUOTA_PER_HOUR = 2
    shots = [stored_evidence(consented, thin_png(), name=f"thin{n}.png") for n in range(3)]
    handed_back = []
    real_apply_async = tasks.read_evidence.apply_async

    def apply_async(args, kwargs=None, **options):
        handed_back.append((args, kwargs, options.get("priority")))
        return real_apply_async(args, kwargs, **options)  # eager in tests: read at once

    monkeypatch.setattr(tasks.read_evidence, "apply_async", apply_async)
    assert tasks.read_evidence(shots[0].pk) != "deferred"
    assert tasks.read_evidence(shots[1].pk) != "deferred"
    assert tasks.read_evidence(shots[2].pk) == "deferred"
    assert handed_back == [((shots[2].pk,), {"deferred": True}, tasks.LOW_PRIORITY)]
    # Read later all the same, never handed back twice.
    assert ScreenshotReading.objects.filter(evidence=shots[2]).exists()
