"""Platform moved from complaints to platforms (platforms 0001, channels 0003, escalation
0005, complaints 0014): the table, its rows and every reference to them stay, both ways,
and the content type follows the model so the groups' permissions on it are kept."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Unapplying platforms 0001 unapplies everything after it (complaints 0014, channels 0003,
# escalation 0005); the state is then that of the last migrations before the move.
BEFORE = [("platforms", None)]
STATE_BEFORE = [
    ("complaints", "0013_consent_recipient_from_parties"),
    ("channels", "0002_link_schemes_http_https_tel_mailto"),
    ("escalation", "0004_solved_question"),
]


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moving_platform_keeps_its_rows_the_references_to_them_and_its_permissions(consumer):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(STATE_BEFORE).apps
    Platform = apps.get_model("complaints", "Platform")
    platform = Platform.objects.create(slug="jd", name_zh="京东", name_en="JD", sort_order=40)
    complaint = apps.get_model("complaints", "Complaint").objects.create(
        reference="TS-P-1",
        submission_token=uuid.uuid4(),
        owner_id=consumer.pk,
        platform_id=platform.pk,
        category="quality",
        order_number="JD-1234",
        order_date=dt.date(2026, 3, 5),
        amount="10.00",
        description="x",
        desired_outcome="refund",
        contact_name="王小明",
        contact_phone="+8613912345678",
        contact_email=consumer.email,
    )
    body = apps.get_model("channels", "Body").objects.create(
        slug="jd", kind="platform", name_zh="京东", name_en="JD", platform_id=platform.pk
    )
    # A deployment migrated before the move has the old content type and a group using it.
    ContentType.objects.filter(app_label="platforms", model="platform").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="platform")
    view, _ = Permission.objects.get_or_create(
        content_type=old_type, codename="view_platform", defaults={"name": "Can view platform"}
    )
    group = Group.objects.create(name="platform-viewers")
    group.permissions.add(view)

    executor = MigrationExecutor(connection)
    executor.migrate(_leaves())
    apps = executor.loader.project_state(_leaves()).apps
    moved = apps.get_model("platforms", "Platform").objects.get(pk=platform.pk)
    assert (moved.slug, moved.name_zh) == ("jd", "京东")
    assert apps.get_model("complaints", "Complaint").objects.get(pk=complaint.pk).platform_id == platform.pk
    assert apps.get_model("channels", "Body").objects.get(pk=body.pk).platform_id == platform.pk
    group_codes = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert group_codes == {("platforms", "view_platform")}

    # And back: the model returns to complaints with its rows and its content type.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(STATE_BEFORE).apps
    assert apps.get_model("complaints", "Platform").objects.get(pk=platform.pk).slug == "jd"
    assert ContentType.objects.get(pk=old_type.pk).app_label == "complaints"
    MigrationExecutor(connection).migrate(_leaves())
