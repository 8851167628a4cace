"""DeadlinePolicy.platform refers to platforms.Platform: the same table, so only the state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0004_solved_question"),
        ("platforms", "0001_layers_platform"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="deadlinepolicy",
                    name="platform",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deadline_policies",
                        to="platforms.platform",
                        verbose_name="platform",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
