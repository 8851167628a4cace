import importlib

from django.db import migrations, models

# Complaint.consent_at duplicated the platform Consent row, which 0009 backfilled and
# complaints.services.file_complaint records with every complaint. Before the column
# goes, a complaint still without that row (one made outside the filing service) gets it
# from the column, as in 0009, so no record of a consent is lost.
_0009 = importlib.import_module("complaints.migrations.0009_consent_and_erasure")


def record_missing_platform_consents(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Consent = apps.get_model("complaints", "Consent")
    missing = Complaint.objects.exclude(consents__recipient="platform").values_list("pk", "owner_id", "consent_at")
    Consent.objects.bulk_create(
        (
            Consent(
                user_id=owner_id,
                complaint_id=pk,
                recipient="platform",
                text_version=_0009.LEGACY_VERSION,
                text=_0009.LEGACY_TEXT,
                given_at=consent_at,
            )
            for pk, owner_id, consent_at in missing.iterator()
        ),
        batch_size=1000,
    )


def restore_consent_at(apps, schema_editor):
    Consent = apps.get_model("complaints", "Consent")
    Complaint = apps.get_model("complaints", "Complaint")
    for complaint_id, given_at in Consent.objects.filter(recipient="platform").values_list("complaint_id", "given_at"):
        Complaint.objects.filter(pk=complaint_id).update(consent_at=given_at)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_timeline_kind_without_deadline"),
    ]

    # Nullable first, so that going back can add the column again and fill it.
    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="consent_at",
            field=models.DateTimeField(null=True, verbose_name="consented to sharing at"),
        ),
        migrations.RunPython(record_missing_platform_consents, restore_consent_at),
        migrations.RemoveField(model_name="complaint", name="consent_at"),
    ]
