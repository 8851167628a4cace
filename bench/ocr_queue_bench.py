"""Confirmation-email latency while screenshots queue for reading.

Run: .venv/bin/python bench/ocr_queue_bench.py [--backlog 100] [--filings 8] [--every 2]

Brings up, on loopback: a fresh PostgreSQL database (dropped at the end), its own
redis-server, an aiosmtpd server and one real Celery worker per worker line of the
Procfile (worker: celery,email; images; ocr), as tests/test_queues.py does. Then, twice:

1. baseline: no screenshots queued; a consumer files `--filings` complaints, one every
   `--every` seconds;
2. backlog: `--backlog` real reading tasks (a 1170x2532 order screenshot, sanitised once,
   tests.services.ocr_backlog) wait on the `ocr` queue and the ocr worker has started on
   them; the same filings.

For each filing it measures the seconds from file_complaint to the confirmation email's
arrival at the SMTP server, and prints the median and maximum of each run, how many
screenshots were read by the last arrival, and the load average before and after
(the machine is shared: say so when quoting the figures).

Smoke size (BENCH_SMOKE=1): 3 screenshots queued, 2 filings 0.5 s apart.
"""

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = f"tousu_bench_ocr_queue_{os.getpid()}"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from smoke import sized  # noqa: E402

from actions.filing import file_complaint  # noqa: E402
from complaints import evidence_pipeline  # noqa: E402
from complaints.models import Evidence  # noqa: E402
from platforms.models import Platform  # noqa: E402
from reading.models import ScreenshotReading  # noqa: E402
from tests import screenshotgen  # noqa: E402
from tests.conftest import complaint_data  # noqa: E402
from tests.services import (  # noqa: E402
    Mailbox,
    Worker,
    celery_publishing_to,
    ocr_backlog,
    redis_server,
    smtp_server,
    wait_for,
)
from tests.test_queues import procfile_workers  # noqa: E402

EMAIL = "bench-owner@bench.tousu.test"


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def file_and_wait(owner, platform, mailbox, count: int, every: float) -> list[float]:
    """File `count` complaints `every` seconds apart; the seconds each confirmation took."""
    waits = []
    for _ in range(count):
        started = time.monotonic()
        complaint = file_complaint(
            owner=owner,
            data=complaint_data(platform, contact_email=EMAIL),
            evidence=[],
            submission_token=uuid.uuid4(),
            language="zh-hans",
        )
        wait_for(
            lambda reference=complaint.reference: any(reference in m.content.decode() for m in mailbox.messages),
            120,
            "the confirmation email",
        )
        waits.append(time.monotonic() - started)
        time.sleep(max(0.0, every - waits[-1]))
    return waits


def summary(name: str, waits: list[float]) -> str:
    return f"{name}: n={len(waits)} median {statistics.median(waits):.2f} s, max {max(waits):.2f} s"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=sized(100, 3))
    parser.add_argument("--filings", type=int, default=sized(8, 2))
    parser.add_argument("--every", type=float, default=sized(2.0, 0.5))
    args = parser.parse_args(argv)

    subprocess.run(["createdb", *PG, DB_NAME], check=True)
    try:
        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password="pw-Bench-2026")
        EmailAddress.objects.create(user=owner, email=EMAIL, verified=True, primary=True)
        platform = Platform.objects.get(slug="pinduoduo")
        shot = screenshotgen.order_screenshot("pinduoduo", seed=7, fmt="JPEG")
        upload = SimpleUploadedFile("order.jpg", screenshotgen.encode(shot), content_type="image/jpeg")
        original = evidence_pipeline.stage_evidence(owner, upload)  # sanitised here (eager), read here too
        original.refresh_from_db()
        assert original.state == Evidence.State.READY, original.state
        print(f"cores: {os.cpu_count()}; before: {load()}")

        mailbox = Mailbox()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line
        with (
            tempfile.TemporaryDirectory() as tmp,
            redis_server() as broker_url,
            celery_publishing_to(broker_url),
            smtp_server(mailbox) as smtp_port,
        ):
            workers = [
                Worker(broker_url, smtp_port, Path(tmp), queues=queues, name=name)
                for name, queues in procfile_workers().items()
            ]
            try:
                for worker in workers:
                    worker.start()
                baseline = file_and_wait(owner, platform, mailbox, args.filings, args.every)
                print(summary("baseline, nothing queued for reading", baseline))

                backlog = ocr_backlog(original, args.backlog)
                wait_for(
                    lambda: ScreenshotReading.objects.filter(evidence_id__in=backlog).exists(),
                    120,
                    "the ocr worker to read its first screenshot",
                )
                waits = file_and_wait(owner, platform, mailbox, args.filings, args.every)
                read = ScreenshotReading.objects.filter(evidence_id__in=backlog).count()
                print(summary(f"{args.backlog} screenshots queued for reading", waits))
                print(f"screenshots read by the last confirmation: {read} of {args.backlog}")
            finally:
                for worker in workers:
                    worker.kill()
        print(f"after: {load()}")
    finally:
        connections.close_all()
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", DB_NAME], check=False)


if __name__ == "__main__":
    main()
