"""Uploads are checked cheaply on the request and sanitised by a task afterwards:
nothing is served before the clean copy exists, the task's work happens once in
effect however often it runs, and a refusal found late reaches the consumer."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import evidence_pipeline
from complaints.models import Evidence

from .conftest import png_upload, process_uploads
from .imagegen import image_bytes

pytestmark = pytest.mark.django_db


def stored_files() -> set:
    root = Path(Evidence._meta.get_field("file").storage.location)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(600, 400))
    return data[: len(data) // 2]


def test_an_upload_waits_pending_with_only_its_raw_bytes_until_the_task_runs(consumer):
    evidence = evidence_pipeline.stage_evidence(consumer, png_upload("a.png"))
    assert evidence.state == Evidence.State.PENDING
    assert evidence.upload.name and not evidence.file.name and not evidence.thumbnail.name
    raw_path = Path(evidence.upload.path)
    assert raw_path.exists()

    assert evidence_pipeline.process_evidence(evidence.pk) == "ready"
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.READY
    assert not evidence.upload.name and not raw_path.exists()
    assert Path(evidence.file.path).exists() and Path(evidence.thumbnail.path).exists()


def test_running_the_task_again_does_nothing_more(consumer):
    evidence = evidence_pipeline.stage_evidence(consumer, png_upload("a.png"))
    evidence_pipeline.process_evidence(evidence.pk)
    files = stored_files()
    assert evidence_pipeline.process_evidence(evidence.pk) == "skipped"
    assert stored_files() == files


def test_an_upload_held_by_a_live_worker_is_left_alone_and_taken_over_when_its_claim_runs_out(consumer):
    evidence = evidence_pipeline.stage_evidence(consumer, png_upload("a.png"))
    now = timezone.now()
    Evidence.objects.filter(pk=evidence.pk).update(processing_until=now + dt.timedelta(seconds=30))
    assert evidence_pipeline.process_evidence(evidence.pk, now=now) == "skipped"
    assert evidence_pipeline.process_evidence(evidence.pk, now=now + dt.timedelta(seconds=31)) == "ready"


def test_a_retry_after_a_crash_overwrites_what_the_dead_worker_wrote_instead_of_leaving_orphans(consumer):
    evidence = evidence_pipeline.stage_evidence(consumer, png_upload("a.png"))
    # The dead worker got as far as writing the clean copy, not as far as marking it ready.
    storage = evidence.file.storage
    half_done = f"{consumer.pk}/{evidence.public_id.hex}.png"
    storage.save(half_done, io.BytesIO(b"half-written"))
    before = stored_files()
    raw = Path(evidence.upload.path)

    assert evidence_pipeline.process_evidence(evidence.pk) == "ready"
    evidence.refresh_from_db()
    assert evidence.file.name == half_done
    assert evidence.file.open("rb").read().startswith(b"\x89PNG")
    # The clean copy in place of the half-written one, a thumbnail, and the raw upload gone.
    assert stored_files() == (before - {raw}) | {Path(evidence.thumbnail.path)}


def test_the_catch_up_finds_pending_uploads_nobody_holds_after_half_a_minute(consumer):
    fresh = evidence_pipeline.stage_evidence(consumer, png_upload("fresh.png"))
    old = evidence_pipeline.stage_evidence(consumer, png_upload("old.png"))
    done = evidence_pipeline.stage_evidence(consumer, png_upload("done.png"))
    evidence_pipeline.process_evidence(done.pk)
    now = timezone.now()
    Evidence.objects.filter(pk__in=[old.pk, done.pk]).update(created_at=now - dt.timedelta(minutes=5))
    assert evidence_pipeline.pending_evidence_ids(now) == [old.pk]
    assert fresh.pk not in evidence_pipeline.pending_evidence_ids(now)


def test_a_jpeg_cut_short_is_refused_by_the_task_and_the_consumer_sees_why_on_the_complaint(
    client, consumer, make_complaint
):
    complaint = make_complaint(consumer, images=0)
    client.force_login(consumer)
    client.post(
        reverse("complaints:add_evidence", args=[complaint.reference]),
        {"evidence_files": [SimpleUploadedFile("cut.jpg", truncated_jpeg())]},
    )
    evidence = complaint.evidence.get()
    assert evidence.state == Evidence.State.PENDING
    assert process_uploads() == ["rejected"]
    evidence.refresh_from_db()
    assert evidence.rejection == "damaged" and not evidence.upload.name
    assert complaint.events.filter(kind="evidence_rejected", text="cut.jpg").exists()
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "图片已损坏或不完整" in html
    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_a_png_cut_short_is_refused_at_once_from_its_checksums(client, consumer, pinduoduo):
    from .test_filing import form_post

    data = image_bytes("PNG", size=(600, 400))
    client.force_login(consumer)
    response = client.post(
        reverse("complaints:new"),
        {**form_post(pinduoduo), "action": "review", "evidence_files": [SimpleUploadedFile("cut.png", data[:-40])]},
    )
    assert response.context["file_errors"] == [("cut.png", ["图片已损坏或不完整。"])]
    assert not Evidence.objects.exists()


def test_the_review_page_shows_pending_uploads_as_a_placeholder_that_asks_for_their_status(client, consumer, pinduoduo):
    from .test_filing import form_post

    client.force_login(consumer)
    response = client.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": [png_upload()]}
    )
    html = response.content.decode()
    evidence = Evidence.objects.get()
    # No <img> of a thumbnail that is not served yet (it would show as broken).
    assert evidence.get_thumbnail_url() not in html
    assert f'data-status-url="{reverse("complaints:evidence_status", args=[evidence.public_id])}"' in html
    assert client.get(evidence.get_thumbnail_url()).status_code == 404
    process_uploads()
    assert client.get(evidence.get_thumbnail_url()).status_code == 200
