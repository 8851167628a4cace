"""The paperwork PDFs: what their text says (extracted with pypdf, as a reader's
search or copy would see it), the images they embed, and who may download them."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from actions.status import PlatformReached, transition
from complaints.consents import record_consent
from complaints.images import sanitise_image
from complaints.models import Consent, Evidence
from complaints.states import Actor, Status
from core.parties import Party
from escalation.paperwork import documents
from reading.models import ScreenshotReading
from reading.sharing import shared_copy
from staff.models import AccessLog
from tests import test_evidence_s3 as s3_tests
from tests.imagegen import screenshot_png

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at("2026-11-20 09:00"),
    pytest.mark.usefixtures("ocr_refused_in_requests"),
]
# The S3 tests' fixtures (moto's server on loopback and a bucket storage), by name.
s3_env, bucket_storage, bucket = s3_tests.s3_env, s3_tests.bucket_storage, s3_tests.bucket

DESCRIPTION = "我在拼多多买的电饭煲一直没有发货，客服说三天内发货，但已经过了两周。请尽快退款。"
SENTENCE = "客服说三天内发货，但已经过了两周。"


def add_evidence(complaint, seed: int) -> Evidence:
    """A screenshot through the real sanitising step, stored as the task stores it."""
    upload = screenshot_png(seed=seed)
    clean = sanitise_image(upload)
    evidence = Evidence(
        owner=complaint.owner,
        complaint=complaint,
        original_name=f"聊天记录{seed}.png",
        state=Evidence.State.READY,
        content_type=clean.content_type,
        sha256=hashlib.sha256(upload).hexdigest(),
        size=len(clean.content),
        width=clean.width,
        height=clean.height,
    )
    evidence.file.save(f"clean-{seed}.{clean.extension}", ContentFile(clean.content), save=False)
    evidence.thumbnail.save(f"thumb-{seed}.jpg", ContentFile(clean.thumbnail), save=False)
    evidence.save()
    # Already read, nothing personal found: the shared copy is the clean file (no OCR here).
    ScreenshotReading.objects.create(evidence=evidence, status="nothing_found", seconds=0)
    return evidence


@pytest.fixture
def overdue(policies, make_complaint, consumer):
    """Forwarded to Pinduoduo, past its deadline, with three screenshots."""
    complaint = make_complaint(
        images=0,
        description=DESCRIPTION,
        amount=Decimal("199.00"),
        desired_outcome="refund",
        desired_outcome_detail="退还 199 元",
    )
    transition(
        complaint,
        Status.FORWARDED,
        actor=consumer,
        role=Actor.CONSUMER,
        reached=PlatformReached("app", at=dt.datetime.fromisoformat("2026-11-02T10:00:00+08:00"), ticket="PDD-9"),
    )
    for seed in range(3):
        add_evidence(complaint, seed)
    return complaint


@pytest.fixture
def consented(overdue):
    for recipient in (Party.REGULATOR, Party.ASSOCIATION):
        record_consent(user=overdue.owner, complaint=overdue, recipient=recipient)
    return overdue


def pdf_text(data: bytes) -> str:
    """The PDF's text with all white space removed (lines wrap anywhere in Chinese)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def image_xobjects(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    count = 0
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        count += sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Image")
    return count


def url(complaint, kind):
    return reverse("escalation:paperwork_pdf", args=[complaint.reference, kind])


@pytest.mark.parametrize("kind", ["12315", "association", "court"])
def test_each_pdf_names_the_reference_the_order_and_the_description_in_chinese(consented, client, kind):
    client.force_login(consented.owner)
    response = client.get(url(consented, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert consented.reference in text
    assert "260305-123456789012345" in text
    assert SENTENCE in text
    assert "+8613912345678" in text  # the consumer's own download has the full phone number


@pytest.mark.parametrize("kind", ["12315", "association", "court"])
def test_each_pdf_lists_every_evidence_checksum_and_embeds_every_image(consented, client, kind):
    client.force_login(consented.owner)
    data = client.get(url(consented, kind)).content
    text = pdf_text(data)
    assert "证据目录" in text
    for evidence in consented.evidence.all():
        assert evidence.sha256 in text
        copy = shared_copy(evidence, kind)
        assert documents.hashlib.sha256(copy).hexdigest() in text
    assert image_xobjects(data) == 3


def test_evidence_not_yet_checked_is_neither_listed_nor_embedded(consented, client):
    pending = consented.evidence.order_by("id").first()
    Evidence.objects.filter(pk=pending.pk).update(state=Evidence.State.PENDING)
    client.force_login(consented.owner)
    data = client.get(url(consented, "12315")).content
    assert pending.sha256 not in pdf_text(data)
    assert image_xobjects(data) == 2


def test_the_letter_follows_the_order_12315_asks_for(consented, client):
    client.force_login(consented.owner)
    text = pdf_text(client.get(url(consented, "12315")).content)
    headings = ["投诉书", "一、投诉人", "二、被投诉人", "三、投诉请求", "四、事实与理由", "五、经过", "六、证据目录"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "全国12315平台" in text


def test_the_court_draft_is_an_online_shopping_contract_claim_with_the_guide_page(consented, client):
    client.force_login(consented.owner)
    text = pdf_text(client.get(url(consented, "court")).content)
    assert "民事起诉状（草稿）" in text
    assert "网络购物合同纠纷" in text
    assert "判令被告退还货款人民币199.00元（具体：退还199元）。" in text
    assert "不是法律意见" in text
    assert "54,323元" in text
    for court in ("北京互联网法院", "广州互联网法院", "杭州互联网法院", "人民法院在线服务"):
        assert court in text


def test_the_pdf_is_an_attachment_kept_out_of_shared_caches(consented, client):
    client.force_login(consented.owner)
    response = client.get(url(consented, "12315"))
    assert response["Content-Disposition"] == f'attachment; filename="{consented.reference}-12315.pdf"'
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("kind", ["12315", "court"])
def test_another_consumer_and_staff_get_404(consented, client, django_user_model, staff, kind):
    stranger = django_user_model.objects.create_user("stranger", "s@example.com", "pw-stranger-123")
    for user in (stranger, staff):
        client.force_login(user)
        assert client.get(url(consented, kind)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(consented, client):
    response = client.get(url(consented, "12315"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["12315", "association"])
def test_no_letter_for_a_body_the_consumer_has_not_agreed_to_share_with(overdue, client, kind):
    client.force_login(overdue.owner)
    response = client.get(url(overdue, kind))
    assert response.status_code == 302
    assert response["Location"] == reverse("escalation:packet_start", args=[overdue.reference])


def test_the_court_draft_needs_no_consent_as_nothing_is_shared(overdue, client):
    assert not Consent.objects.filter(complaint=overdue).exclude(recipient=Party.PLATFORM).exists()  # only filing's own
    client.force_login(overdue.owner)
    response = client.get(url(overdue, "court"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert overdue.reference in text and SENTENCE in text  # a real draft, about this complaint
    assert not Consent.objects.filter(complaint=overdue).exclude(recipient=Party.PLATFORM).exists()  # none added


def test_no_pdf_before_the_packet_is_open(policies, make_complaint, client):
    complaint = make_complaint(images=0)
    record_consent(user=complaint.owner, complaint=complaint, recipient=Party.REGULATOR)
    client.force_login(complaint.owner)
    for kind in ("12315", "court"):
        response = client.get(url(complaint, kind))
        assert response.status_code == 302
        assert response["Location"] == complaint.get_absolute_url()


def test_an_unknown_kind_is_404(consented, client):
    client.force_login(consented.owner)
    assert client.get(url(consented, "platform")).status_code == 404


def test_the_packet_page_links_to_the_letter_and_the_court_draft_in_chinese(consented, client):
    client.force_login(consented.owner)
    html = client.get(reverse("escalation:packet", args=[consented.reference, "12315"])).content.decode()
    assert f'href="{url(consented, "12315")}">下载投诉书（PDF，含证据目录和图片）</a>' in html
    assert f'href="{url(consented, "court")}">民事起诉状草稿（PDF），附小额诉讼和互联网法院的说明</a>' in html


def test_the_staff_packet_page_links_to_the_pdfs(consented, client, staff):
    client.force_login(staff)
    html = client.get(
        reverse("admin:complaints_complaint_packet", args=[consented.pk, "12315"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert f'href="{staff_url(consented, "12315")}">下载投诉书（PDF）</a>' in html
    assert f'href="{staff_url(consented, "court")}">下载民事起诉状草稿（PDF）</a>' in html


# --- Staff ----------------------------------------------------------------------------


def staff_url(complaint, kind):
    return reverse("admin:complaints_complaint_paperwork_pdf", args=[complaint.pk, kind])


def test_a_reviewer_download_is_logged_and_shows_the_contact_the_role_may_reveal(consented, client, staff):
    client.force_login(staff)
    response = client.get(staff_url(consented, "12315"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private, no-store")  # the admin adds never_cache's directives
    text = pdf_text(response.content)
    assert consented.reference in text
    assert "+8613912345678" in text  # reviewers hold reveal_contact; the download is the logged step
    log = AccessLog.objects.get(complaint=consented)
    assert (log.user, log.field) == (staff, AccessLog.Field.PACKET_PDF)


def test_staff_without_evidence_permission_get_no_pdf_and_no_log(consented, client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", "v@example.com", "pw-viewer-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    client.force_login(viewer)
    assert client.get(staff_url(consented, "12315")).status_code == 403
    assert not AccessLog.objects.exists()


def test_staff_who_may_not_reveal_contacts_get_them_masked_in_the_pdf(consented, client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("masked", "m@example.com", "pw-masked-123", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_complaint", "view_evidence"]))
    client.force_login(viewer)
    text = pdf_text(client.get(staff_url(consented, "court")).content)
    assert consented.reference in text
    assert "+8613912345678" not in text
    assert "owner@example.com" not in text
    assert AccessLog.objects.get(complaint=consented).field == AccessLog.Field.PACKET_PDF


def test_what_the_consumer_typed_is_printed_as_text_not_markup(policies, make_complaint, consumer, client):
    complaint = make_complaint(
        description='商家回复：<b>不退</b> & <font size="40">大字</font>', status="platform_responded"
    )
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    client.force_login(consumer)
    text = pdf_text(client.get(url(complaint, "12315")).content)
    assert '商家回复：<b>不退</b>&<fontsize="40">大字</font>' in text


@pytest.mark.services
def test_evidence_in_a_bucket_is_read_through_the_storage_into_the_pdf(
    policies, make_complaint, consumer, client, bucket_storage, bucket
):
    """Evidence on S3 (moto's server on loopback) has no local path: the PDF reads each
    clean copy from the bucket, lists its checksum and embeds it."""
    local_before = s3_tests.local_evidence_files()
    complaint = make_complaint(images=0, status="platform_responded")
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    evidence = [add_evidence(complaint, seed) for seed in range(3)]
    client.force_login(consumer)
    data = client.get(url(complaint, "12315")).content
    text = pdf_text(data)
    for item in evidence:
        assert bucket.read(item.file.name)  # the file is in the bucket; the PDF lists its copy's hash
        assert documents.hashlib.sha256(shared_copy(item, "12315")).hexdigest() in text
    assert image_xobjects(data) == 3
    assert s3_tests.local_evidence_files() == local_before


def test_the_ladder_panel_offers_the_court_draft_once_the_court_route_is_open(
    overdue, policies, make_complaint, client
):
    client.force_login(overdue.owner)
    html = client.get(overdue.get_absolute_url()).content.decode()
    assert f'href="{url(overdue, "court")}">民事起诉状草稿（PDF）</a>' in html
    waiting = make_complaint(images=0)
    assert url(waiting, "court") not in client.get(waiting.get_absolute_url()).content.decode()


def test_the_pdf_carries_the_blurred_copy_the_zip_carries_not_the_clean_file(consented, client):
    import hashlib
    import zipfile

    first = consented.evidence.order_by("created_at", "id").first()
    ScreenshotReading.objects.filter(evidence=first).update(
        status="read", personal_data=[{"kind": "phone", "box": [40, 20, 600, 140]}]
    )
    client.force_login(consented.owner)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("escalation:packet_zip", args=[consented.reference, "12315"])).content)
    )
    shared = archive.read(next(n for n in archive.namelist() if n.startswith("evidence/01.")))
    with first.file.open("rb") as handle:
        clean = handle.read()
    assert shared != clean
    text = pdf_text(client.get(url(consented, "12315")).content)
    assert hashlib.sha256(shared).hexdigest() in text
    assert hashlib.sha256(clean).hexdigest() not in text
