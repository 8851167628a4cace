"""Platform moves from complaints to platforms, the lowest layer. Its table keeps its
name (complaints_platform) and its rows: the state moves, the database does not change,
except that the content type follows the model, so the groups' platform permissions stay."""

from django.db import migrations, models


def move_content_type(apps, schema_editor, source="complaints", target="platforms"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Only when the target does not exist yet (post_migrate creates it on a fresh database
    # after every migration, so there it is never there when this runs).
    if not ContentType.objects.filter(app_label=target, model="platform").exists():
        ContentType.objects.filter(app_label=source, model="platform").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="platforms", target="complaints")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0013_consent_recipient_from_parties"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Platform",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(unique=True, verbose_name="slug")),
                        ("name_zh", models.CharField(max_length=60, verbose_name="name (Chinese)")),
                        ("name_en", models.CharField(max_length=60, verbose_name="name (English)")),
                        (
                            "order_number_kind",
                            models.CharField(
                                choices=[
                                    ("pinduoduo", "Pinduoduo: YYMMDD- and 15 digits"),
                                    ("taobao", "Taobao / Tmall: 15 to 19 digits"),
                                    ("generic", "Letters, digits and dashes"),
                                ],
                                default="generic",
                                max_length=20,
                                verbose_name="order number format",
                            ),
                        ),
                        ("website", models.URLField(blank=True, verbose_name="website")),
                        ("active", models.BooleanField(default=True, verbose_name="accepting complaints")),
                        ("sort_order", models.PositiveSmallIntegerField(default=100, verbose_name="sort order")),
                    ],
                    options={
                        "verbose_name": "platform",
                        "verbose_name_plural": "platforms",
                        "db_table": "complaints_platform",
                        "ordering": ["sort_order", "slug"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
