"""Scale-out: two gunicorn web processes and a Celery worker, each started in its own
temporary working directory with its own TOUSU_VAR_DIR, sharing nothing but PostgreSQL,
Redis (broker and cache) and an S3 server (moto's, on loopback).

A consumer signs in on one web and files complaints with screenshots through both in
turn, over real HTTP. Every screenshot is sanitised exactly once by the worker, every
evidence file is served by either web, every confirmation email goes out, and no
evidence file is on any local disk: every one is in the bucket.

The webs run with DEBUG on only so that pages render without a `collectstatic` per web
directory; storage, sessions, the cache and the queues are configured as in production.
"""

import http.client
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

import boto3
import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from complaints.models import Complaint, Evidence
from tests.conftest import platform, require_postgresql_and_redis
from tests.imagegen import screenshot_png
from tests.services import (
    S3_TEST_CREDENTIALS,
    Mailbox,
    Web,
    Worker,
    redis_server,
    s3_server,
    smtp_server,
    wait_for,
)
from tests.test_filing import form_post

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUCKET = "tousu-scale-out"
COMPLAINTS = 4
SCREENSHOTS_EACH = 2
EMAIL = "scale@example.com"
PASSWORD = "pw-Scale-Out-2026"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis("the processes share the test database")


class Visitor:
    """One person's browser over plain HTTP: cookies kept, redirects not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def send(self, web: Web, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def csrf_token(self, web: Web, path: str) -> str:
        status, _headers, page = self.send(web, "GET", path)
        assert status == 200, (web.name, path, status)
        return CSRF_INPUT.search(page.decode()).group(1)

    def sign_in(self, web: Web) -> None:
        token = self.csrf_token(web, "/accounts/login/")
        form = urlencode({"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD}).encode()
        status, headers, _ = self.send(web, "POST", "/accounts/login/", form, "application/x-www-form-urlencoded")
        assert status == 302, (web.name, status)

    def file_complaint(self, web: Web, fields: dict, screenshots: list[bytes]) -> str:
        token = self.csrf_token(web, "/complaints/new/")
        body, content_type = multipart(
            {**fields, "csrfmiddlewaretoken": token},
            [("evidence_files", f"shot{i}.png", s) for i, s in enumerate(screenshots)],
        )
        status, headers, _ = self.send(web, "POST", "/complaints/new/", body, content_type)
        assert status == 302, (web.name, status)
        return headers["Location"]


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def files_under(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def test_two_webs_and_a_worker_sharing_only_the_services_file_sanitise_and_serve_every_screenshot(
    django_user_model, tmp_path
):
    # Hashed as production hashes (the test settings use a fast hasher the webs do not know).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        consumer = django_user_model.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=consumer, email=EMAIL, verified=True, primary=True)
    pinduoduo = platform("pinduoduo")
    screenshots = [screenshot_png(seed=n) for n in range(SCREENSHOTS_EACH)]
    mailbox = Mailbox()

    with redis_server() as broker_url, s3_server(BUCKET) as endpoint, smtp_server(mailbox) as smtp_port:
        shared = {
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": broker_url.replace("/0", "/1"),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EVIDENCE_S3_BUCKET": BUCKET,
            "EVIDENCE_S3_ENDPOINT_URL": endpoint,
            "EVIDENCE_S3_REGION": "us-east-1",
            **S3_TEST_CREDENTIALS,
            "DEBUG": "1",
        }
        webs = [Web(tmp_path / name, shared, name=name) for name in ("web-a", "web-b")]
        worker_dir = tmp_path / "worker"
        worker_dir.mkdir()
        worker = Worker(broker_url, smtp_port, worker_dir, env=shared, cwd=worker_dir)
        try:
            for web in webs:
                web.start()
            worker.start()

            # 1. Signed in on one web; the session (in PostgreSQL) is good on the other.
            visitor = Visitor()
            visitor.sign_in(webs[0])
            locations = [
                visitor.file_complaint(
                    webs[n % 2], {**form_post(pinduoduo, contact_email=EMAIL), "action": "submit"}, screenshots
                )
                for n in range(COMPLAINTS)
            ]
            assert all(re.fullmatch(r"/complaints/TS-\d{8}-\d{4}/", location) for location in locations)
            assert Complaint.objects.count() == COMPLAINTS
            assert Evidence.objects.count() == COMPLAINTS * SCREENSHOTS_EACH

            # 2. The worker sanitises every screenshot, and sends every confirmation.
            wait_for(
                lambda: not Evidence.objects.filter(state="pending").exists() and len(mailbox.messages) >= COMPLAINTS,
                120,
                f"the worker ({worker.log})",
            )
            assert set(Evidence.objects.values_list("state", flat=True)) == {"ready"}

            def processed():
                # The worker logs a task's outcome just after its database update: wait for the lines too.
                return re.findall(
                    r"Task complaints\.tasks\.process_evidence\[[0-9a-f-]+\] succeeded in [0-9.]+s: '(\w+)'",
                    worker.log.read_text(),
                )

            wait_for(lambda: len(processed()) >= COMPLAINTS * SCREENSHOTS_EACH, 30, f"the task outcomes ({worker.log})")
            assert processed() == ["ready"] * (COMPLAINTS * SCREENSHOTS_EACH)  # each once, none skipped or retried
            subjects = [m.content.decode(errors="replace") for m in mailbox.messages]
            assert [m.rcpt_tos for m in mailbox.messages] == [[EMAIL]] * COMPLAINTS, subjects

            # 3. Either web serves every evidence file, from the bucket.
            bucket = boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id=S3_TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=S3_TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
            for evidence in Evidence.objects.all():
                for path, key in (
                    (evidence.get_absolute_url(), evidence.file.name),
                    (evidence.get_thumbnail_url(), evidence.thumbnail.name),
                ):
                    stored = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                    for web in webs:
                        status, headers, data = visitor.send(web, "GET", path)
                        assert (web.name, status, headers["Cache-Control"]) == (web.name, 200, "private, no-store")
                        assert data == stored

            # 4. Both webs are ready: database, broker, cache and the bucket answer.
            for web in webs:
                status, _headers, _body = visitor.send(web, "GET", "/readyz")
                assert (web.name, status) == (web.name, 200)
        finally:
            worker.kill()
            for web in webs:
                web.kill()

        keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
        expected = {name for e in Evidence.objects.all() for name in (e.file.name, e.thumbnail.name)}
        assert keys == expected and len(keys) == 2 * COMPLAINTS * SCREENSHOTS_EACH

    # No evidence on any local disk: each process's directory holds only its log and control socket.
    for directory in (*[web.directory for web in webs], worker_dir):
        leftovers = [p for p in files_under(directory) if p.suffix != ".log"]
        assert leftovers == [], directory
