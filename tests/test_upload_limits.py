"""Limits on what one account may upload before filing: a cap on uploads not yet part
of a complaint (EVIDENCE_MAX_UNCLAIMED), a rate per user (RATE_LIMIT_STAGING), and
evidence answers that no cache keeps."""

import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from complaints import evidence_pipeline
from complaints.models import Evidence

from .conftest import png_upload, process_uploads, require_service
from .test_filing import form_post

UNCLAIMED_MESSAGE = "您已有 30 张上传后尚未提交投诉的图片"
RATE_MESSAGE = "您在短时间内上传了很多图片"


def _stored_files(owner) -> list[Path]:
    root = Path(Evidence._meta.get_field("upload").storage.location) / str(owner.pk)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _stage(client, platform, count, first=0):
    files = [png_upload(f"shot{first + i}.png", color=(first + i, 0, 0)) for i in range(count)]
    return client.post(reverse("complaints:new"), {**form_post(platform), "action": "edit", "evidence_files": files})


@pytest.mark.django_db
def test_the_31st_unclaimed_upload_is_refused_with_the_message_and_nothing_is_stored(client, consumer, pinduoduo):
    client.force_login(consumer)
    for round_ in range(3):  # three abandoned drafts of ten images each
        assert _stage(client, pinduoduo, 10, first=round_ * 10).status_code == 200
    assert Evidence.objects.filter(owner=consumer, complaint__isnull=True).count() == 30
    files_before = _stored_files(consumer)

    response = _stage(client, pinduoduo, 1, first=30)

    page = response.content.decode()
    assert UNCLAIMED_MESSAGE in page
    assert 'id="file-errors"' in page and "shot30.png" in page
    assert Evidence.objects.filter(owner=consumer).count() == 30
    assert _stored_files(consumer) == files_before


@pytest.mark.django_db
def test_refused_uploads_do_not_count_towards_the_cap(consumer, settings):
    settings.EVIDENCE_MAX_UNCLAIMED = 1
    first = evidence_pipeline.stage_evidence(consumer, png_upload("first.png"))
    Evidence.objects.filter(pk=first.pk).update(state=Evidence.State.REJECTED, rejection="damaged")
    second = evidence_pipeline.stage_evidence(consumer, png_upload("second.png"))
    with pytest.raises(evidence_pipeline.UnclaimedEvidenceLimitReached):
        evidence_pipeline.stage_evidence(consumer, png_upload("third.png"))
    assert list(Evidence.objects.filter(owner=consumer, complaint__isnull=True).exclude(pk=first.pk)) == [second]


@pytest.mark.django_db
def test_filing_frees_the_places_its_images_held(consumer, make_complaint, settings):
    settings.EVIDENCE_MAX_UNCLAIMED = 2
    make_complaint(consumer, images=2)
    evidence_pipeline.stage_evidence(consumer, png_upload("next.png"))
    assert Evidence.objects.filter(owner=consumer, complaint__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_upload_removed_from_the_form_stops_counting_at_once_and_its_files_go(
    client, consumer, pinduoduo, settings, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_MAX_UNCLAIMED = 2
    client.force_login(consumer)
    with django_capture_on_commit_callbacks(execute=True):
        _stage(client, pinduoduo, 2)
    process_uploads()
    kept, removed = Evidence.objects.filter(owner=consumer).order_by("created_at", "id")
    removed_files = [Path(removed.file.path), Path(removed.thumbnail.path)]

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("complaints:new"),
            {
                **form_post(pinduoduo),
                "action": "edit",
                "evidence": [str(kept.public_id), str(removed.public_id)],
                "remove_evidence": [str(removed.public_id)],
                "evidence_files": [png_upload("third.png", color=(9, 9, 9))],
            },
        ).content.decode()

    assert 'id="file-errors"' not in page  # the third is taken: the removed one no longer holds a place
    assert not Evidence.objects.filter(pk=removed.pk).exists()
    assert Evidence.objects.filter(owner=consumer, complaint__isnull=True).count() == 2  # kept + third
    assert not any(path.exists() for path in removed_files)


@pytest.mark.django_db
def test_an_account_past_its_storage_quota_is_refused_next_to_the_field_and_nothing_is_stored(
    client, consumer, other_consumer, pinduoduo, settings
):
    from complaints.evidence_pipeline import stored_bytes_bound

    one = stored_bytes_bound(*png_dimensions(), len(png_upload("x.png").read()))
    settings.EVIDENCE_ACCOUNT_QUOTA_BYTES = 2 * one  # room for two such images
    client.force_login(consumer)
    page = _stage(client, pinduoduo, 3).content.decode()
    assert "的存储上限" in page and 'id="file-errors"' in page and "shot2.png" in page
    assert Evidence.objects.filter(owner=consumer).count() == 2
    # Another account has its own.
    client.force_login(other_consumer)
    assert "的存储上限" not in _stage(client, pinduoduo, 2).content.decode()


def png_dimensions():
    from PIL import Image

    image = Image.open(png_upload("x.png"))
    return image.width, image.height


@pytest.mark.parametrize(
    "size, bound",
    [((1170, 2532), 924 * 2000 * 3), ((40, 40), 40 * 40 * 3)],
)
def test_the_storage_counted_for_an_image_bounds_its_stored_copy(size, bound):
    from complaints.evidence_pipeline import stored_bytes_bound

    thumbnail = 480 * 480 * 3
    assert stored_bytes_bound(*size, 1000) == bound + 4096 + thumbnail
    assert stored_bytes_bound(*size, 10**8) == 10**8  # the raw upload, while it is kept


@pytest.mark.django_db
def test_staging_is_rate_limited_per_user_with_the_message(client, consumer, other_consumer, pinduoduo, settings):
    settings.RATE_LIMIT_STAGING = "2/h"
    client.force_login(consumer)

    page = _stage(client, pinduoduo, 3).content.decode()

    assert RATE_MESSAGE in page and "shot2.png" in page
    assert Evidence.objects.filter(owner=consumer).count() == 2
    # Another account has its own allowance.
    client.force_login(other_consumer)
    assert RATE_MESSAGE not in _stage(client, pinduoduo, 1).content.decode()
    assert Evidence.objects.filter(owner=other_consumer).count() == 1


@pytest.mark.django_db
def test_the_rate_limit_message_is_translated(client, consumer, pinduoduo, settings):
    settings.RATE_LIMIT_STAGING = "0/h"
    client.force_login(consumer)
    client.cookies["django_language"] = "en"
    page = _stage(client, pinduoduo, 1).content.decode()
    assert "You have uploaded many images in a short time." in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_when_one_account_uploads_from_eight_connections_at_once(consumer, settings):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    settings.EVIDENCE_MAX_UNCLAIMED = 3
    barrier = threading.Barrier(8)
    outcomes = []

    def upload(index):
        try:
            barrier.wait(timeout=10)
            evidence_pipeline.stage_evidence(consumer, png_upload(f"race{index}.png"))
            outcomes.append("stored")
        except evidence_pipeline.UnclaimedEvidenceLimitReached:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * 5 + ["stored"] * 3
    assert Evidence.objects.filter(owner=consumer, complaint__isnull=True).count() == 3


@pytest.mark.django_db
def test_evidence_answers_are_never_stored_by_a_cache(client, consumer, make_complaint):
    complaint = make_complaint(consumer)
    process_uploads()
    evidence = complaint.evidence.get()
    client.force_login(consumer)
    for url in (evidence.get_absolute_url(), evidence.get_thumbnail_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
