"""The database connection dropping in the middle of a filing, on a real PostgreSQL."""

from pathlib import Path

import psycopg2
import pytest
from django.core.files.storage import storages
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint, Evidence, TimelineEvent

from .conftest import png_upload, require_service
from .test_filing import form_post

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _terminate_own_backend(**kwargs):
    """Kill this request's database session from outside, as a failover or a restart would."""
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    killer = psycopg2.connect(
        **{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


def _files_under(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_connection_lost_mid_filing_shows_a_clean_error_and_stores_nothing_partial(consumer, pinduoduo):
    client = Client(raise_request_exception=False)
    client.force_login(consumer)
    root = Path(storages["evidence"].location)
    on_disk_before = _files_under(root)
    # Step 1 (review) stores the uploads as unclaimed evidence, as it always does.
    review = client.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": [png_upload()]}
    )
    staged = [str(e.public_id) for e in review.context["staged"]]

    # Step 2: the session dies after the complaint row is written, before the timeline event.
    pre_save.connect(_terminate_own_backend, sender=TimelineEvent, dispatch_uid="kill-db")
    try:
        response = client.post(
            reverse("complaints:new"), {**review.context["form"].data.dict(), "evidence": staged, "action": "submit"}
        )
    finally:
        pre_save.disconnect(sender=TimelineEvent, dispatch_uid="kill-db")

    assert response.status_code == 500
    assert "您提交的内容没有被保存，请一分钟后再试。" in response.content.decode()
    connection.close()  # the test's own session died with the request's
    assert Complaint.objects.count() == 0
    assert TimelineEvent.objects.count() == 0
    # The upload is still the consumer's, unclaimed, so a retry needs no new upload; and
    # every stored file belongs to an evidence row (no orphans).
    evidence = Evidence.objects.get()
    assert evidence.complaint is None
    # Files other tests left in a shared folder (integration tests keep the run's one) are
    # not this test's: only what this filing wrote is counted.
    written = _files_under(root) - on_disk_before
    referenced = {name for e in Evidence.objects.all() for name in (e.file.name, e.thumbnail.name)}
    assert written, "the review step stored the upload"
    assert written <= referenced
