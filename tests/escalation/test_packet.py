import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from actions.status import PlatformReached, transition
from complaints.consents import record_consent
from complaints.models import Consent, Evidence
from complaints.states import Actor, Status
from core.parties import Party
from escalation import ladder
from escalation.models import Clock, ClockKind, EscalationFiling, StepKind
from escalation.packet import warnings_for
from reading.models import ScreenshotReading
from reading.sharing import shared_copy
from tests.escalation.beijing import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-20 09:00")]


@pytest.fixture
def overdue(policies, make_complaint, consumer):
    complaint = make_complaint(images=0)
    transition(
        complaint,
        Status.FORWARDED,
        actor=consumer,
        role=Actor.CONSUMER,
        reached=PlatformReached("app", at=dt.datetime.fromisoformat("2026-11-02T10:00:00+08:00"), ticket="PDD-9"),
    )
    evidence = Evidence(
        owner=consumer,
        complaint=complaint,
        original_name="screenshot.png",
        state=Evidence.State.READY,
        content_type="image/png",
        sha256="0" * 64,
        size=4,
        width=1,
        height=1,
    )
    evidence.file.save("e.png", ContentFile(b"\x89PNG-sanitised"), save=False)
    evidence.thumbnail.save("t.jpg", ContentFile(b"thumb"), save=False)
    evidence.save()
    # The ocr worker read it and found no personal data: its copy is the file itself.
    ScreenshotReading.objects.create(evidence=evidence, status=ScreenshotReading.Status.NOTHING_FOUND, seconds=0.1)
    return complaint


@pytest.fixture
def overdue_with_consent(overdue):
    """The consumer agreed on the start page to share the complaint with 12315."""
    record_consent(user=overdue.owner, complaint=overdue, recipient=Party.REGULATOR)
    return overdue


def test_packet_lays_out_the_fields_in_12315_order_with_copy_buttons(overdue_with_consent, client):
    overdue = overdue_with_consent
    client.force_login(overdue.owner)
    with translation.override("en"):
        response = client.get(
            reverse("escalation:packet", args=[overdue.reference, "12315"]), HTTP_ACCEPT_LANGUAGE="en"
        )
    html = response.content.decode()
    assert response.status_code == 200
    positions = [
        html.index(f'id="field-{key}"') for key in ("complainant", "respondent", "order_number", "facts", "request")
    ]
    assert positions == sorted(positions)
    assert 'data-copy-target="field-order_number"' in html
    assert "PDD-9" in html  # the dated timeline of contacts is in the facts
    assert "<script>" not in html


def test_the_packet_zip_leaves_out_evidence_not_yet_checked(overdue_with_consent, client):
    overdue = overdue_with_consent
    Evidence.objects.filter(complaint=overdue).update(state=Evidence.State.PENDING)
    client.force_login(overdue.owner)
    response = client.get(reverse("escalation:packet_zip", args=[overdue.reference, "12315"]))
    assert "evidence/01.png" not in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_the_packet_zip_waits_for_screenshots_not_read_yet(overdue_with_consent, client):
    """No web request reads a screenshot: until the ocr worker has, the download says
    they are being checked (202) and asks again by itself."""
    ScreenshotReading.objects.filter(evidence__complaint=overdue_with_consent).delete()
    client.force_login(overdue_with_consent.owner)
    url = reverse("escalation:packet_zip", args=[overdue_with_consent.reference, "12315"])
    response = client.get(url)
    assert response.status_code == 202
    assert '<meta http-equiv="refresh"' in response.content.decode()
    assert not ScreenshotReading.objects.exists()  # nothing was read in the request


def test_packet_zip_holds_the_evidence_with_its_sha256_and_the_timeline(overdue_with_consent, client):
    overdue = overdue_with_consent
    client.force_login(overdue.owner)
    response = client.get(reverse("escalation:packet_zip", args=[overdue.reference, "12315"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {"evidence/01.png", "index.txt", "complaint.txt", "timeline.html"}
    # The stand-in bytes are no image: the copy that leaves is a blank, never the file.
    (evidence,) = overdue.evidence.all()
    digest = hashlib.sha256(shared_copy(evidence, "12315")).hexdigest()
    assert digest != hashlib.sha256(b"\x89PNG-sanitised").hexdigest()
    assert f"evidence/01.png  sha256={digest}" in archive.read("index.txt").decode()


def test_packet_is_not_offered_before_a_deadline_is_missed(policies, make_complaint, client):
    complaint = make_complaint(images=0)
    client.force_login(complaint.owner)
    response = client.get(reverse("escalation:packet", args=[complaint.reference, "12315"]))
    assert response.status_code == 302


def test_strangers_get_404_for_the_packet(overdue, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("outsider", "o@example.com", "pw-outsider-1"))
    assert client.get(reverse("escalation:packet", args=[overdue.reference, "12315"])).status_code == 404
    assert client.get(reverse("escalation:packet_zip", args=[overdue.reference, "12315"])).status_code == 404


def test_warns_after_three_years_and_when_another_body_already_handles_it(make_complaint):
    complaint = make_complaint(images=0, order_date=dt.date(2023, 1, 10))
    assert len(warnings_for(complaint, already_handled=False, today=dt.date(2026, 2, 1))) == 1
    assert warnings_for(complaint, already_handled=False, today=dt.date(2025, 12, 1)) == []
    assert len(warnings_for(complaint, already_handled=True, today=dt.date(2025, 12, 1))) == 1


def test_start_page_asks_to_confirm_when_a_court_or_association_already_handles_it(overdue, client):
    client.force_login(overdue.owner)
    url = reverse("escalation:packet_start", args=[overdue.reference])
    response = client.post(url, {"body": "12315", "already_handled": "on", "consent": "on"})
    assert response.status_code == 200 and b'name="confirm"' in response.content
    assert not Consent.objects.filter(complaint=overdue, recipient="12315").exists()  # not yet
    response = client.post(url, {"body": "12315", "already_handled": "on", "consent": "on", "confirm": "1"})
    assert response.status_code == 302


def test_recording_the_reference_escalates_and_starts_the_regulator_clock(overdue_with_consent, client):
    overdue = overdue_with_consent
    client.force_login(overdue.owner)
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        response = client.post(
            reverse("escalation:record_escalation", args=[overdue.reference]),
            {"body": "12315", "reference": "3201-778899", "filed_on": "2026-11-19"},
        )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.status == Status.ESCALATED
    assert EscalationFiling.objects.get(complaint=overdue).reference == "3201-778899"
    acceptance = Clock.objects.get(complaint=overdue, kind=ClockKind.ACCEPTANCE)
    assert acceptance.due_at == at("2026-11-30 23:59:59")


def test_a_filing_date_missing_or_in_the_future_is_shown_beside_the_field_with_the_input_kept(
    overdue_with_consent, client
):
    overdue = overdue_with_consent
    client.force_login(overdue.owner)
    url = reverse("escalation:record_escalation", args=[overdue.reference])
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        missing = client.post(
            url, {"body": "12315", "reference": "3201-778899", "filed_on": ""}, HTTP_ACCEPT_LANGUAGE="en"
        )
        future = client.post(url, {"body": "12315", "reference": "3201-778899", "filed_on": "2026-11-21"})
    assert missing.status_code == 400
    assert missing.context["record_form"].errors == {"filed_on": ["请填写您提交的日期。"]}
    assert 'value="3201-778899"' in missing.content.decode()
    assert (future.status_code, future.context["record_form"].errors) == (400, {"filed_on": ["这个日期还没到。"]})
    assert not EscalationFiling.objects.exists()
    overdue.refresh_from_db()
    assert overdue.status == Status.FORWARDED


def test_a_filing_dated_before_the_complaint_reached_the_platform_is_refused_beside_the_date(
    overdue_with_consent, client
):
    overdue = overdue_with_consent
    client.force_login(overdue.owner)
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        response = client.post(
            reverse("escalation:record_escalation", args=[overdue.reference]),
            {"body": "12315", "reference": "3201-778899", "filed_on": "2025-01-02"},
        )
    assert response.status_code == 400
    [reason] = response.context["record_form"].errors["filed_on"]
    assert reason == ladder.date_refusal(overdue, "12315", StepKind.FILED, dt.date(2025, 1, 2))
    assert 'value="2025-01-02"' in response.content.decode()
    assert not EscalationFiling.objects.exists()


def test_routes_page_explains_the_five_routes_of_article_39(client):
    html = client.get(reverse("escalation:routes"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The Consumer Rights Protection Law (article 39) gives you five ways to settle a dispute" in html
    assert re.findall(r'<h2 class="h6">(\d\. [^<]+)</h2>', html) == [
        "1. Settle with the business",
        "2. Mediation by a consumer association",
        "3. Complaint to the administrative department (12315)",
        "4. Arbitration",
        "5. A lawsuit in court",
    ]


def test_preparing_a_packet_asks_for_the_regulator_consent_next_to_the_box(overdue, client):
    client.force_login(overdue.owner)
    url = reverse("escalation:packet_start", args=[overdue.reference])
    response = client.post(url, {"body": "12315"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "consent": ["We can only prepare your packet for this body with your consent."]
    }
    assert "www.12315.cn" in response.content.decode()  # the box names the recipient and its contact
    assert not Consent.objects.filter(complaint=overdue).exclude(recipient="platform").exists()


def test_agreeing_on_the_start_page_records_the_regulator_consent_with_version_and_time(overdue, client):
    client.force_login(overdue.owner)
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        response = client.post(
            reverse("escalation:packet_start", args=[overdue.reference]), {"body": "12315", "consent": "on"}
        )
    assert response["Location"] == reverse("escalation:packet", args=[overdue.reference, "12315"])
    consent = Consent.objects.get(complaint=overdue, recipient=Party.REGULATOR)
    assert (consent.user, consent.text_version, consent.given_at) == (
        overdue.owner,
        "regulator-2026-11-v1",
        at("2026-11-20 10:00"),
    )
    assert "12315" in consent.text


@pytest.mark.parametrize("name", ["escalation:packet", "escalation:packet_zip"])
def test_the_packet_is_not_prepared_before_the_consumer_agreed_to_share_with_that_body(overdue, client, name):
    client.force_login(overdue.owner)
    response = client.get(reverse(name, args=[overdue.reference, "12315"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("escalation:packet_start", args=[overdue.reference])


def test_recording_an_escalation_to_a_body_not_consented_to_changes_nothing(overdue_with_consent, client):
    client.force_login(overdue_with_consent.owner)
    response = client.post(
        reverse("escalation:record_escalation", args=[overdue_with_consent.reference]),
        {"body": "association", "reference": "A-1", "filed_on": "2026-11-19"},
    )
    assert response["Location"] == reverse("escalation:packet_start", args=[overdue_with_consent.reference])
    overdue_with_consent.refresh_from_db()
    assert overdue_with_consent.status == Status.FORWARDED


def test_a_database_error_reading_the_directory_is_raised_not_shown_as_an_empty_directory(pinduoduo):
    from django.db import DatabaseError, connection

    from channels.models import OperatorCompany
    from escalation.directory import directory_entries

    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(f"ALTER TABLE {OperatorCompany._meta.db_table} RENAME COLUMN name TO renamed")
    with pytest.raises(DatabaseError):
        directory_entries("12315", pinduoduo)
