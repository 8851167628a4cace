"""Reading screenshots with the real OCR models (shipped in the rapidocr-onnxruntime
wheel): exact facts from generated order pages, nothing from a chat, nothing and no
error from bad files; the task stores the reading once a screenshot is sanitised."""

import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from complaints import evidence_pipeline
from config.celery import app
from reading import engine
from reading.models import ScreenshotReading
from reading.reader import read_screenshot

from .conftest import process_uploads
from .screenshotgen import chat_screenshot, encode, order_screenshot

pytestmark = pytest.mark.usefixtures("cjk_fonts")


def covers(found, truth, share=0.8) -> bool:
    width = min(truth[2], found[2]) - max(truth[0], found[0])
    height = min(truth[3], found[3]) - max(truth[1], found[1])
    return max(0, width) * max(0, height) >= share * (truth[2] - truth[0]) * (truth[3] - truth[1])


ORDER_PAGES = {
    "pinduoduo-light-png": {"platform": "pinduoduo", "seed": 3},
    "taobao-dark-jpeg": {"platform": "taobao", "seed": 4, "theme": "dark", "fmt": "JPEG", "size": (1080, 2400)},
    "tmall-light-narrow": {"platform": "tmall", "seed": 5, "size": (828, 1792), "scale": 1.15},
}


@pytest.mark.parametrize("page", ORDER_PAGES.values(), ids=ORDER_PAGES.keys())
def test_an_order_page_gives_its_exact_order_number_and_amount_and_the_phone_box(page):
    shot = order_screenshot(**page)
    reading = read_screenshot(encode(shot))
    line = reading.as_line()
    assert (line["platform"], line["order_number"], line["amount"]) == (
        shot.labels["platform"],
        shot.labels["order_number"],
        shot.labels["amount"],
    )
    assert shot.labels["phones"], "the generated page shows a delivery phone"
    phones = [p["box"] for p in line["personal_data"] if p["kind"] == "phone"]
    assert all(any(covers(found, truth) for found in phones) for truth in shot.labels["phones"])
    number_box = shot.labels["order_number_box"]
    assert not any(covers(p["box"], number_box, share=0.01) for p in line["personal_data"])


def test_a_chat_screenshot_gives_no_order_facts_but_the_phone_in_it():
    shot = chat_screenshot(seed=2)
    line = read_screenshot(encode(shot)).as_line()
    assert {
        name: line[name] for name in ("platform", "order_number", "amount", "ordered_at", "shop_name")
    } == dict.fromkeys(("platform", "order_number", "amount", "ordered_at", "shop_name"))
    assert line["status"] is None
    phones = [p["box"] for p in line["personal_data"] if p["kind"] == "phone"]
    assert len(shot.labels["phones"]) == 1 and any(covers(found, shot.labels["phones"][0]) for found in phones)


def png_claiming(width, height) -> bytes:
    """A PNG header announcing a huge image, with no pixels behind it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def blank_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1170, 2532), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4 not an image", png_claiming(30000, 30000), blank_png()[:5000], blank_png()],
    ids=["empty", "not-an-image", "huge", "truncated", "no-text"],
)
def test_bad_input_reads_nothing_and_never_raises(data):
    line = read_screenshot(data).as_line()
    assert line == {**dict.fromkeys(line), "seconds": line["seconds"], "personal_data": []}
    assert line["platform"] is None and line["order_number"] is None


def test_the_command_prints_one_json_object_per_file(tmp_path, capsys):
    shot = order_screenshot("pinduoduo", seed=3)
    page = tmp_path / shot.name
    page.write_bytes(encode(shot))
    not_image = tmp_path / "notes.txt"
    not_image.write_text("订单编号：260305-123456789012345")
    call_command("read_screenshot", str(page), str(not_image), str(tmp_path / "missing.png"))
    rows = [json.loads(row) for row in capsys.readouterr().out.splitlines()]
    keys = [
        "file",
        "platform",
        "order_number",
        "amount",
        "ordered_at",
        "shop_name",
        "status",
        "seconds",
        "personal_data",
    ]
    assert [list(row) for row in rows] == [keys] * 3
    assert rows[0]["file"] == str(page)
    assert (rows[0]["order_number"], rows[0]["amount"], rows[0]["ordered_at"]) == (
        shot.labels["order_number"],
        shot.labels["amount"],
        shot.labels["ordered_at"],
    )
    assert rows[0]["seconds"] > 0
    assert {p["kind"] for p in rows[0]["personal_data"]} >= {"phone", "name", "address"}
    assert all(row[key] is None for row in rows[1:] for key in keys[1:7])
    assert [row["personal_data"] for row in rows[1:]] == [[], []]


def test_the_reading_task_goes_to_its_own_queue():
    route = app.amqp.router.route({}, "reading.read_evidence")
    assert route["queue"].name == "ocr"
    assert app.amqp.router.route({}, "complaints.tasks.process_evidence")["queue"].name != "ocr"


@pytest.mark.django_db
def test_a_sanitised_screenshot_is_read_and_stored_once(consumer):
    shot = order_screenshot("taobao", seed=4, theme="dark", fmt="JPEG", size=(1080, 2400))
    upload = SimpleUploadedFile("order.jpg", encode(shot), content_type="image/jpeg")
    evidence = evidence_pipeline.stage_evidence(consumer, upload)
    assert not ScreenshotReading.objects.exists()

    # Sanitising publishes the reading by name; tests run Celery eagerly.
    assert process_uploads() == ["ready"]
    reading = ScreenshotReading.objects.get(evidence=evidence)
    assert reading.status == ScreenshotReading.Status.READ
    assert reading.facts["order_number"]["value"] == shot.labels["order_number"]
    assert reading.facts["amount"]["value"] == shot.labels["amount"]
    assert 0 < reading.facts["amount"]["confidence"] <= 1
    assert "phone" in {p["kind"] for p in reading.personal_data}

    from reading import services

    assert services.read_evidence(evidence.pk) == "skipped"
    assert ScreenshotReading.objects.count() == 1


def test_the_models_come_from_the_wheel():
    from pathlib import Path

    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert {p.name for p in models.glob("*.onnx")} >= {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"}
    assert engine.engine() is engine.engine()
