"""Evidence on S3-compatible object storage, end to end, against real services only:
moto's standalone S3 API server on a loopback port, our own Redis, PostgreSQL, an
aiosmtpd server and a real Celery worker process configured through the environment
(EVIDENCE_S3_*), as in production.

A consumer files with screenshots (raw uploads go to the bucket), the worker sanitises
them (reading and writing the bucket), the checked view streams them, the packet ZIP
and the email to the platform carry them, the purge and the erasure of a complaint delete objects. Nothing is
written to a local evidence folder, by this process or the worker.
"""

import datetime as dt
import hashlib
import io
import zipfile
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse

from actions.erasure import erase_complaints
from actions.forwarding import forward
from complaints import access, evidence_pipeline
from complaints.models import Complaint, Evidence
from config.evidence_storage import S3_BACKEND, evidence_storage_settings
from escalation.packet import evidence_zip
from notifications.models import OutboundEmail
from staff.roles import REVIEWER, create_staff_groups
from tests.conftest import platform, platform_email_channel, png_upload, require_postgresql_and_redis
from tests.services import (
    S3_TEST_CREDENTIALS,
    Mailbox,
    Worker,
    celery_publishing_to,
    redis_server,
    s3_server,
    smtp_server,
    wait_for,
)
from tests.test_filing import form_post

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUCKET = "tousu-evidence-test"
REGION = "us-east-1"
SCREENSHOTS = 3


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    require_postgresql_and_redis()


@pytest.fixture
def s3_env(monkeypatch):
    """A fresh S3 server and bucket; the environment a deployment would set for it."""
    with s3_server(BUCKET, region=REGION) as endpoint:
        env = {
            "EVIDENCE_S3_BUCKET": BUCKET,
            "EVIDENCE_S3_ENDPOINT_URL": endpoint,
            "EVIDENCE_S3_REGION": REGION,
            **S3_TEST_CREDENTIALS,
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        yield env


@pytest.fixture
def bucket_storage(s3_env, monkeypatch):
    """This test process stores evidence where config.settings would with that environment
    (the evidence fields resolved their storage when the models loaded, before it was set)."""
    config = evidence_storage_settings(default_root="/nonexistent/evidence")
    assert config["BACKEND"] == S3_BACKEND
    storage = storages.create_storage(config)
    for name in ("upload", "file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storage)
    return storage


@pytest.fixture
def bucket(s3_env):
    client = boto3.client("s3", endpoint_url=s3_env["EVIDENCE_S3_ENDPOINT_URL"], region_name=REGION)

    class Bucket:
        def keys(self) -> set[str]:
            listed = client.list_objects_v2(Bucket=BUCKET)
            return {item["Key"] for item in listed.get("Contents", [])}

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()

        def acl_grants(self, key: str) -> list[dict]:
            return client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]

    return Bucket()


def local_evidence_files() -> set[Path]:
    root = Path(settings.STORAGES["evidence"]["OPTIONS"].get("location", "/nonexistent"))
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_the_settings_pick_the_bucket_only_when_one_is_named(monkeypatch):
    monkeypatch.delenv("EVIDENCE_S3_BUCKET", raising=False)
    monkeypatch.setenv("EVIDENCE_ROOT", "/srv/tousu/evidence")
    assert evidence_storage_settings(default_root="/x") == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": "/srv/tousu/evidence",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
    monkeypatch.setenv("EVIDENCE_S3_BUCKET", "tousu-prod")
    monkeypatch.setenv("EVIDENCE_S3_ENDPOINT_URL", "https://oss-cn-hangzhou.aliyuncs.com")
    monkeypatch.setenv("EVIDENCE_S3_REGION", "cn-hangzhou")
    monkeypatch.setenv("EVIDENCE_S3_ADDRESSING_STYLE", "virtual")
    config = evidence_storage_settings(default_root="/x")
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "tousu-prod"
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert options["region_name"] == "cn-hangzhou"
    assert options["addressing_style"] == "virtual"
    # Private objects; any URL ever built is signed and lives a minute.
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 60
    monkeypatch.setenv("EVIDENCE_S3_OBJECT_ACL", "")  # an AWS bucket with ACLs disabled
    assert evidence_storage_settings(default_root="/x")["OPTIONS"]["default_acl"] is None
    # complaints.evidence_pipeline._save_fresh relies on saving under exactly the name it gives.
    assert options["file_overwrite"] is True


def test_a_retry_writes_the_clean_copy_under_the_same_name_replacing_the_object(bucket_storage, bucket):
    """the evidence pipeline writes each clean copy under a name fixed by the evidence id,
    so a worker retrying after a crash replaces the object instead of leaving another."""
    from complaints.evidence_pipeline import _save_fresh

    assert _save_fresh(bucket_storage, "7/abc.png", b"first attempt") == "7/abc.png"
    assert _save_fresh(bucket_storage, "7/abc.png", b"the retry") == "7/abc.png"
    assert bucket.keys() == {"7/abc.png"}
    assert bucket.read("7/abc.png") == b"the retry"


def test_filed_screenshots_live_only_in_the_bucket_from_upload_to_purge(
    client, consumer, staff_user, s3_env, bucket_storage, bucket, tmp_path
):
    reviewer = staff_user
    reviewer.groups.add(create_staff_groups()[REVIEWER])  # may view evidence (complaints.access)
    for slug in ("pinduoduo", "taobao", "tmall"):
        platform(slug)
    from escalation.policies import load_policies

    load_policies()
    pinduoduo = platform("pinduoduo")
    local_before = local_evidence_files()
    mailbox = Mailbox()
    client.force_login(consumer)

    with redis_server() as broker_url, celery_publishing_to(broker_url), smtp_server(mailbox) as smtp_port:
        # 1. The consumer files with screenshots while no worker runs yet: the raw
        # uploads are objects in the bucket, private, and nothing is served.
        response = client.post(
            reverse("complaints:new"),
            {
                **form_post(pinduoduo),
                "action": "submit",
                "evidence_files": [png_upload(f"shot{i}.png") for i in range(SCREENSHOTS)],
            },
        )
        assert response.status_code == 302
        complaint = Complaint.objects.get()
        evidence = list(complaint.evidence.order_by("pk"))
        assert [e.state for e in evidence] == ["pending"] * SCREENSHOTS
        uploads = {f"{consumer.pk}/{e.public_id.hex}.upload" for e in evidence}
        assert bucket.keys() == uploads
        for key in uploads:
            assert [grant["Permission"] for grant in bucket.acl_grants(key)] == ["FULL_CONTROL"]
        assert client.get(evidence[0].get_absolute_url()).status_code == 404

        # 2. A worker configured only through the environment sanitises them from the bucket.
        worker = Worker(broker_url, smtp_port, tmp_path, env=s3_env)
        try:
            worker.start()
            wait_for(
                lambda: not Evidence.objects.filter(state="pending").exists(),
                60,
                f"the worker to sanitise the screenshots ({worker.log})",
            )
            evidence = list(complaint.evidence.order_by("pk"))
            assert [e.state for e in evidence] == ["ready"] * SCREENSHOTS
            clean = {name for e in evidence for name in (f"{consumer.pk}/{e.public_id.hex}.png", e.thumbnail.name)}
            assert {e.file.name for e in evidence} | {e.thumbnail.name for e in evidence} == clean
            # The raw uploads are deleted just after each copy is marked ready (in that
            # order, so a worker killed in between leaves a retry, not a loss).
            wait_for(lambda: bucket.keys() == clean, 10, "the raw uploads to be deleted")

            # 3. The checked view streams the clean copy and the thumbnail, never cached.
            for item in evidence:
                for url, key in (
                    (item.get_absolute_url(), item.file.name),
                    (item.get_thumbnail_url(), item.thumbnail.name),
                ):
                    served = client.get(url)
                    assert served.status_code == 200
                    assert served["Cache-Control"] == "private, no-store"
                    assert b"".join(served.streaming_content) == bucket.read(key)
            client.force_login(reviewer)
            # Staff open evidence through the admin (logged), from the bucket too.
            in_the_admin = reverse("admin:complaints_complaint_evidence", args=[complaint.pk, evidence[0].public_id])
            assert client.get(in_the_admin).status_code == 200
            assert client.get(evidence[0].get_absolute_url()).status_code == 404
            client.logout()
            assert client.get(evidence[0].get_absolute_url()).status_code == 302  # to the login page

            # 4. The packet ZIP carries the bucket's bytes, with their SHA-256, once each
            # screenshot is read (nothing leaves unread: reading.sharing). This worker does
            # not serve the ocr queue (its own worker does, tests/test_reading_queue.py):
            # read them here, from the bucket, as that worker would.
            from reading.services import read_evidence

            for item in evidence:
                read_evidence(item.pk)
            # The consumer chose to show their data to 12315 and the platform: the copies are
            # the bucket's files themselves (blurred copies: tests/test_reading_blur_proof.py).
            from reading.sharing import choose

            for recipient in ("12315", "platform"):
                choose(complaint=complaint, recipient=recipient, show=True, user=consumer)
            packet = evidence_zip(complaint, "12315", viewer=consumer, contact=access.contact_for(consumer, complaint))
            archive = zipfile.ZipFile(io.BytesIO(packet))
            for number, item in enumerate(evidence, start=1):
                data = archive.read(f"evidence/{number:02d}.png")
                assert data == bucket.read(item.file.name)
                assert f"sha256={hashlib.sha256(data).hexdigest()}" in archive.read("index.txt").decode()

            # 5. Forwarded by email: the worker attaches the clean copies read from the bucket.
            forward(complaint, channel=platform_email_channel(pinduoduo), actor=reviewer)
            wait_for(
                lambda: OutboundEmail.objects.filter(to="complaints@pdd.example", status="sent").exists(),
                60,
                f"the platform email ({worker.log})",
            )
            sent = next(m for m in mailbox.messages if "complaints@pdd.example" in m.rcpt_tos)
            parsed = message_from_bytes(sent.content, policy=default_policy)
            attached = [part.get_content() for part in parsed.iter_attachments()]
            assert attached == [bucket.read(item.file.name) for item in evidence]

            # 6. An upload abandoned in the form is purged: its objects are deleted.
            abandoned = evidence_pipeline.stage_evidence(consumer, png_upload("left.png"))
            wait_for(
                lambda: Evidence.objects.filter(pk=abandoned.pk, state="ready").exists(),
                60,
                f"the worker to sanitise the abandoned upload ({worker.log})",
            )
            abandoned.refresh_from_db()
            assert {abandoned.file.name, abandoned.thumbnail.name} <= bucket.keys()
            assert evidence_pipeline.purge_unclaimed_evidence(older_than=dt.timedelta(hours=-1)) == 1
            assert bucket.keys() == clean
        finally:
            worker.kill()

    # Erasing the complaint (actions.erasure) deletes every object of its evidence.
    assert erase_complaints([complaint.pk]) == 1
    assert not Evidence.objects.exists()
    assert bucket.keys() == set()
    # Nothing ever touched a local evidence folder: not this process's, not the worker's.
    assert local_evidence_files() == local_before
    assert not (tmp_path / "private").exists()
