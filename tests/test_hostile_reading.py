"""The thin-image attack (issue 21, part 2) against a real gunicorn and a real ocr worker
run as the Procfile runs it (a prefork child with its memory ceiling and the task's time
limits): a consumer files screenshots of 24x2000 pixels, which used to make RapidOCR raise
(or, untiled, detect at 51072x608 and take the worker to 2.5 GB), beside a real order
screenshot. Every image is read, each task within the 20 s target, the order screenshot
still gives its facts, and the site answers throughout.

Real parts only: PostgreSQL, our own Redis, gunicorn, the images and ocr workers."""

import re
import time

import pytest
from django.test import override_settings

from complaints.models import Evidence
from reading.models import ScreenshotReading
from tests.conftest import platform, require_postgresql_and_redis
from tests.screenshotgen import encode, order_screenshot
from tests.services import Mailbox, Web, Worker, _evidence_root, redis_server, smtp_server, wait_for
from tests.test_filing import form_post
from tests.test_queues import ROOT
from tests.test_reading_guard import thin_png
from tests.test_scale_out import EMAIL, PASSWORD, Visitor

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cjk_fonts")]

THIN_SHOTS = 4
TASK_SECONDS = 20
ANSWER_SECONDS = 2.0


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis("the processes share the test database")


def procfile_options(name: str) -> list[str]:
    """The options of the Procfile's `name` worker but its queue, name and log level."""
    line = next(row for row in (ROOT / "Procfile").read_text().splitlines() if row.startswith(f"{name}:"))
    return [part for part in line.split() if part.startswith(("--concurrency", "--max-memory-per-child"))]


def test_thin_screenshots_neither_knock_over_the_ocr_worker_nor_the_site(django_user_model, tmp_path):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        consumer = django_user_model.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=consumer, email=EMAIL, verified=True, primary=True)
    pinduoduo = platform("pinduoduo")
    order = order_screenshot("pinduoduo", seed=7, fmt="PNG")
    mailbox = Mailbox()
    with redis_server() as broker_url, smtp_server(mailbox) as smtp_port:
        shared = {
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": broker_url.replace("/0", "/1"),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EVIDENCE_ROOT": str(_evidence_root()),
            "DEBUG": "1",
        }
        web = Web(tmp_path / "web", shared)
        images = Worker(broker_url, smtp_port, tmp_path, env=shared, queues=["images"], name="images")
        assert "--max-memory-per-child=614400" in procfile_options("ocr")
        ocr = Worker(
            broker_url, smtp_port, tmp_path, env=shared, queues=["ocr"], name="ocr", options=procfile_options("ocr")
        )
        try:
            web.start()
            images.start()
            ocr.start()
            visitor = Visitor()
            visitor.sign_in(web)
            location = visitor.file_complaint(
                web,
                {**form_post(pinduoduo, contact_email=EMAIL), "action": "submit"},
                [thin_png()] * THIN_SHOTS + [encode(order)],
            )
            assert re.fullmatch(r"/complaints/TS-\d{8}-\d{4}/", location)

            # While the ocr worker reads, the site answers: the complaint page, every poll.
            slowest = 0.0
            deadline = time.monotonic() + 180
            while ScreenshotReading.objects.count() < THIN_SHOTS + 1:
                assert time.monotonic() < deadline, f"readings missing ({ocr.log})"
                started = time.monotonic()
                status, _headers, _page = visitor.send(web, "GET", location)
                slowest = max(slowest, time.monotonic() - started)
                assert status == 200
                time.sleep(0.5)

            def read_times():
                return [
                    float(seconds)
                    for seconds in re.findall(
                        r"Task reading\.read_evidence\[[0-9a-f-]+\] succeeded in ([0-9.]+)s", ocr.log.read_text()
                    )
                ]

            wait_for(lambda: len(read_times()) >= THIN_SHOTS + 1, 30, f"the ocr worker's log ({ocr.log})")
            status, _headers, _page = visitor.send(web, "GET", "/healthz")
        finally:
            for process in (ocr, images, web):
                process.kill()

    assert status == 200
    assert slowest < ANSWER_SECONDS, slowest
    assert max(read_times()) < TASK_SECONDS, read_times()
    assert "Traceback" not in ocr.log.read_text()
    readings = {r.evidence.original_name: r for r in ScreenshotReading.objects.select_related("evidence")}
    assert all(r.status != ScreenshotReading.Status.FAILED for r in readings.values())
    (read_order,) = [r for r in readings.values() if r.facts]
    assert read_order.facts["order_number"]["value"] == order.labels["order_number"]
    assert Evidence.objects.filter(state="ready").count() == THIN_SHOTS + 1
