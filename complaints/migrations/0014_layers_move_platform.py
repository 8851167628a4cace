"""Platform leaves complaints' state for platforms (platforms/0001_layers_platform); the
table, its rows and the foreign keys' constraints stay as they are. It runs after every
app's reference moved to platforms.Platform, so no state refers to a deleted model."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0013_consent_recipient_from_parties"),
        ("platforms", "0001_layers_platform"),
        ("channels", "0003_layers_platform_fk"),
        ("escalation", "0005_layers_platform_fk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="platform",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="complaints",
                        to="platforms.platform",
                        verbose_name="platform",
                    ),
                ),
                migrations.DeleteModel(name="Platform"),
            ],
            database_operations=[],
        ),
    ]
