"""Body.platform refers to platforms.Platform: the same table, so only the state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0002_link_schemes_http_https_tel_mailto"),
        ("platforms", "0001_layers_platform"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="body",
                    name="platform",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="contact_body",
                        to="platforms.platform",
                        verbose_name="platform",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
