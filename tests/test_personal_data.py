"""Erasure cannot miss a field: every model linked to the user or to a complaint
declares each such link and each of its text fields (core.personal_data), and erasing a
complaint leaves no link from its rows to the consumer."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from actions.erasure import declarations, erase_complaints
from escalation.models import Clock, EscalationFiling
from reading.models import SharingChoice

TEXT = (models.CharField, models.TextField, models.JSONField)


def linked_models():
    user, complaint = apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("complaints.Complaint")
    for model in apps.get_models():
        links = [
            f
            for f in model._meta.get_fields()
            if isinstance(f, (models.ForeignKey, models.OneToOneField)) and f.related_model in (user, complaint)
        ]
        if links:
            texts = [f for f in model._meta.get_fields() if isinstance(f, TEXT) and not f.choices]
            yield model, [f.name for f in links + texts]


def test_every_link_to_a_person_and_every_text_beside_it_is_declared():
    declared = declarations()
    missing = []
    for model, names in linked_models():
        declaration = declared.get(model._meta.label)
        if declaration is None:
            missing.append(model._meta.label)
            continue
        missing += [f"{model._meta.label}.{name}" for name in names if name not in declaration.fields]
    assert missing == []


def test_a_declaration_names_only_fields_that_exist():
    wrong = []
    for label, declaration in declarations().items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        wrong += [f"{label}.{name}" for name in declaration.fields if name not in names]
    assert wrong == []


@pytest.mark.django_db
def test_an_erased_complaint_keeps_no_link_to_its_consumer(make_complaint, consumer, staff_user):
    from django.utils import timezone

    from actions.clocks import start_platform_clocks
    from reading.sharing import choose

    complaint = make_complaint()
    start_platform_clocks(complaint, timezone.now(), actor=consumer)
    choose(complaint=complaint, recipient="platform", show=True, user=consumer)
    EscalationFiling.objects.create(
        complaint=complaint,
        route="12315",
        step="filed",
        body="12315",
        filed_on=timezone.localdate(),
        recorded_by=consumer,
    )
    assert erase_complaints([complaint.pk]) == 1
    assert not Clock.objects.filter(complaint=complaint, started_by=consumer).exists()
    assert not EscalationFiling.objects.filter(complaint=complaint, recorded_by=consumer).exists()
    assert not SharingChoice.objects.filter(complaint=complaint, chosen_by=consumer).exists()


@pytest.mark.django_db
def test_the_admins_log_of_a_deleted_account_does_not_keep_its_name(consumer, staff_user):
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from actions.erasure import erase_account

    LogEntry.objects.create(  # what the admin's delete view writes before deleting
        user=staff_user,
        content_type=ContentType.objects.get_for_model(consumer),
        object_id=str(consumer.pk),
        object_repr=consumer.username,
        action_flag=DELETION,
    )
    erase_account(consumer)
    assert not LogEntry.objects.filter(object_repr__contains=consumer.username).exists()
    assert LogEntry.objects.filter(user=staff_user, action_flag=DELETION).exists()  # who deleted, kept
