"""complaints 0012 drops Complaint.consent_at, the twin of the platform Consent row: a
complaint that had no such row keeps its consent, taken from the column first."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("complaints", "0011_timeline_kind_without_deadline")]
AFTER = [("complaints", "0012_remove_complaint_consent_at")]


@pytest.mark.django_db(transaction=True)
def test_a_complaint_without_a_platform_consent_row_gets_one_from_consent_at(consumer, pinduoduo):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Complaint = apps.get_model("complaints", "Complaint")
    Consent = apps.get_model("complaints", "Consent")
    agreed = dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)
    values = {
        "owner_id": consumer.pk,
        "platform_id": pinduoduo.pk,
        "category": "quality",
        "order_number": "260305-123456789012345",
        "order_date": dt.date(2026, 3, 5),
        "amount": "129.90",
        "description": "x",
        "desired_outcome": "refund",
        "contact_name": "王小明",
        "contact_phone": "+8613912345678",
        "contact_email": consumer.email,
        "consent_at": agreed,
    }
    without = Complaint.objects.create(reference="TS-M-1", submission_token=uuid.uuid4(), **values)
    with_row = Complaint.objects.create(reference="TS-M-2", submission_token=uuid.uuid4(), **values)
    Consent.objects.create(
        user_id=consumer.pk, complaint=with_row, recipient="platform", text_version="platform-2026-11-v1", text="t"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Consent = apps.get_model("complaints", "Consent")
    backfilled = Consent.objects.get(complaint_id=without.pk)
    assert (backfilled.recipient, backfilled.given_at, backfilled.user_id) == ("platform", agreed, consumer.pk)
    assert backfilled.text_version == "single-box-legacy"
    assert list(Consent.objects.filter(complaint_id=with_row.pk).values_list("text_version", flat=True)) == [
        "platform-2026-11-v1"
    ]
    assert "consent_at" not in {f.name for f in apps.get_model("complaints", "Complaint")._meta.get_fields()}

    # Going back restores the column from the consents.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Complaint = executor.loader.project_state(BEFORE).apps.get_model("complaints", "Complaint")
    assert Complaint.objects.get(pk=without.pk).consent_at == agreed
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
