"""An image being checked shows as a placeholder, and its owner's page asks how it stands."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.replies import add_evidence
from complaints import evidence_pipeline
from staff.roles import REVIEWER, create_staff_groups

from .conftest import png_upload, process_uploads
from .imagegen import image_bytes

pytestmark = pytest.mark.django_db


def status_url(evidence):
    return reverse("complaints:evidence_status", args=[evidence.public_id])


@pytest.fixture
def pending(consumer):
    return evidence_pipeline.stage_evidence(consumer, png_upload("聊天记录.png"))


def test_the_owner_reads_being_checked_then_where_the_clean_copy_is(client, consumer, pending):
    client.force_login(consumer)
    first = client.get(status_url(pending))
    assert first.json() == {"state": "pending"}
    assert "no-store" in first["Cache-Control"]

    assert process_uploads() == ["ready"]

    assert client.get(status_url(pending)).json() == {
        "state": "ready",
        "url": f"/complaints/evidence/{pending.public_id}/",
        "thumbnail": f"/complaints/evidence/{pending.public_id}/thumbnail/",
    }


def test_a_refused_image_reports_why_in_the_owners_language(client, consumer):
    # A cut-off JPEG passes the header check at upload; the worker's full decode refuses it.
    whole = image_bytes("JPEG", size=(400, 300))
    cut = SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")
    evidence = evidence_pipeline.stage_evidence(consumer, cut)
    assert process_uploads() == ["rejected"]
    client.force_login(consumer)
    assert client.get(status_url(evidence)).json() == {"state": "rejected", "message": "无法使用：图片已损坏或不完整。"}


def test_nobody_but_the_owner_learns_anything_of_an_upload(client, pending, other_consumer, django_user_model):
    reviewer = django_user_model.objects.create_user("rev", "rev@tousu.example", "pw-Secret-2026", is_staff=True)
    reviewer.groups.add(create_staff_groups()[REVIEWER])
    anonymous = client.get(status_url(pending))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for outsider in (other_consumer, reviewer):
        client.force_login(outsider)
        assert client.get(status_url(pending)).status_code == 404


def test_an_image_being_checked_is_a_placeholder_with_its_name_not_a_broken_image(client, consumer, make_complaint):
    complaint = make_complaint(consumer, images=0)
    add_evidence(
        complaint, actor=consumer, evidence=[evidence_pipeline.stage_evidence(consumer, png_upload("订单.png"))]
    )
    client.force_login(consumer)
    html = client.get(complaint.get_absolute_url()).content.decode()
    evidence = complaint.evidence.get()
    assert "正在检查…" in html and 'data-name="订单.png"' in html
    assert f'data-status-url="{status_url(evidence)}"' in html
    assert evidence.get_thumbnail_url() not in html  # no <img> pointing at what is not served yet
    assert "js/evidence.js" in html
