from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0003_sharing_recipient_from_parties"),
    ]

    operations = [
        migrations.AddField(
            model_name="screenshotreading",
            name="shareable_boxes",
            field=models.JSONField(blank=True, default=list, verbose_name="boxes left readable on shared copies"),
        ),
    ]
