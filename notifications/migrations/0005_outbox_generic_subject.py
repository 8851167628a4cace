"""The outbox's foreign key to a complaint becomes a generic reference (about_type,
about_id), so the outbox knows no app that sends through it; each row also names its
transport. Existing rows keep what they were about: the complaint id is copied into
the reference before the column goes, and back again on the way down."""

import django.db.models.deletion
from django.db import migrations, models


def complaint_to_about(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    if not OutboundEmail.objects.filter(complaint__isnull=False).exists():
        return
    complaint_type, _created = ContentType.objects.get_or_create(app_label="complaints", model="complaint")
    OutboundEmail.objects.filter(complaint__isnull=False).update(
        about_type=complaint_type, about_id=models.F("complaint_id")
    )


def about_to_complaint(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    complaint_type = ContentType.objects.filter(app_label="complaints", model="complaint").first()
    if complaint_type is not None:
        OutboundEmail.objects.filter(about_type=complaint_type).update(complaint_id=models.F("about_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("complaints", "0013_consent_recipient_from_parties"),
        ("notifications", "0004_generic_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="about_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="about_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="transport",
            field=models.CharField(default="email", max_length=20, verbose_name="transport"),
        ),
        migrations.RunPython(complaint_to_about, about_to_complaint),
        migrations.RemoveField(model_name="outboundemail", name="complaint"),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(fields=["about_type", "about_id"], name="email_about_idx"),
        ),
    ]
