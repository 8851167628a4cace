from django.db import migrations

PLATFORMS = [
    # slug, Chinese name, English name, order number format, website, sort order
    ("pinduoduo", "拼多多", "Pinduoduo", "pinduoduo", "https://www.pinduoduo.com", 10),
    ("taobao", "淘宝", "Taobao", "taobao", "https://www.taobao.com", 20),
    ("tmall", "天猫", "Tmall", "taobao", "https://www.tmall.com", 30),
]


def load_platforms(apps, schema_editor):
    Platform = apps.get_model("complaints", "Platform")
    for slug, name_zh, name_en, kind, website, sort_order in PLATFORMS:
        Platform.objects.get_or_create(
            slug=slug,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "order_number_kind": kind,
                "website": website,
                "sort_order": sort_order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load_platforms, migrations.RunPython.noop)]
