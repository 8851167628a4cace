"""complaints.access, the one policy: who may see a complaint, its evidence and its
contact details, decided by permission and ownership, never by is_staff."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.http import Http404

from complaints import access, evidence_pipeline
from staff.forms import staff_members
from staff.roles import REVIEWER, SUPERVISOR, create_staff_groups

from .conftest import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(django_user_model, staff_user):
    groups = create_staff_groups()
    users = {"staff_no_role": staff_user}
    for name in (REVIEWER, SUPERVISOR):
        users[name] = django_user_model.objects.create_user(name, f"{name}@tousu.example", "pw-1", is_staff=True)
        users[name].groups.add(groups[name])
    return users


def test_is_staff_alone_grants_nothing(roles, consumer, make_complaint):
    complaint = make_complaint(consumer)
    staff = roles["staff_no_role"]
    assert not access.can_view_complaint(staff, complaint)
    assert not access.can_view_evidence(staff, complaint.evidence.get())
    assert not access.can_reveal_contact(staff, complaint)
    assert access.contact_for(staff, complaint, logged=True).masked


def test_the_owner_sees_everything_of_their_own_complaint(consumer, other_consumer, make_complaint):
    complaint = make_complaint(consumer)
    assert access.owned_complaint_or_404(consumer, complaint.reference) == complaint
    assert access.can_view_evidence(consumer, complaint.evidence.get())
    assert access.contact_for(consumer, complaint) == access.Contact(
        name="王小明", phone="+8613912345678", email="owner@example.com", masked=False
    )
    for stranger in (other_consumer, AnonymousUser()):
        with pytest.raises(Http404):
            access.owned_complaint_or_404(stranger, complaint.reference)
        assert not access.can_view_evidence(stranger, complaint.evidence.get())


def test_consumer_urls_are_owner_only_even_for_a_superuser(django_user_model, consumer, make_complaint):
    root = django_user_model.objects.create_superuser("root", "root@tousu.example", "pw-1")
    complaint = make_complaint(consumer)
    assert access.can_view_complaint(root, complaint)
    with pytest.raises(Http404):
        access.owned_complaint_or_404(root, complaint.reference)


def test_reviewers_see_masked_contacts_and_full_ones_only_on_a_logged_path(roles, consumer, make_complaint):
    complaint = make_complaint(consumer)
    reviewer = roles[REVIEWER]
    assert access.can_view_complaint(reviewer, complaint) and access.can_reveal_contact(reviewer, complaint)
    assert access.contact_for(reviewer, complaint) == access.Contact(
        name="王**", phone="139****5678", email="o***@example.com", masked=True
    )
    assert access.contact_for(reviewer, complaint, logged=True).phone == "+8613912345678"
    assert access.contact_for(reviewer, complaint, logged=True).name == "王小明"


@pytest.mark.parametrize(
    "name, masked", [("王小明", "王**"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("Anna Li", "A***"), ("", "")]
)
def test_a_masked_name_keeps_one_character_and_hides_the_rest(name, masked):
    assert access.mask_name(name) == masked


def test_the_staff_complaint_page_masks_the_name_and_reveals_it_only_through_the_logged_step(
    client, roles, consumer, make_complaint
):
    from django.urls import reverse

    from staff.models import AccessLog

    complaint = make_complaint(consumer)
    client.force_login(roles[REVIEWER])
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "王**" in page and "王小明" not in page
    revealed = client.post(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, "name"]))
    assert "王小明" in revealed.content.decode()
    assert list(AccessLog.objects.values_list("field", flat=True)) == ["name"]


def test_a_role_that_may_view_but_not_reveal_gets_masked_contacts_even_when_logged(
    django_user_model, consumer, make_complaint
):
    reader = django_user_model.objects.create_user("reader", "reader@tousu.example", "pw-1", is_staff=True)
    group = Group.objects.create(name="reader")
    group.permissions.add(Permission.objects.get(content_type__app_label="complaints", codename="view_complaint"))
    reader.groups.add(group)
    complaint = make_complaint(consumer)
    assert access.can_view_complaint(reader, complaint)
    assert not access.can_view_evidence(reader, complaint.evidence.get())
    assert access.contact_for(reader, complaint, logged=True).masked


def test_staff_never_see_uploads_the_consumer_has_not_submitted(roles, consumer):
    staged = evidence_pipeline.stage_evidence(consumer, png_upload())
    assert access.can_view_evidence(consumer, staged)
    assert not access.can_view_evidence(roles[SUPERVISOR], staged)


def test_an_inactive_reviewer_sees_nothing(roles, consumer, make_complaint):
    reviewer = roles[REVIEWER]
    reviewer.is_active = False
    reviewer.save()
    complaint = make_complaint(consumer)
    assert not access.can_view_complaint(reviewer, complaint)
    assert not access.can_reveal_contact(reviewer, complaint)


def test_complaints_are_assigned_only_to_staff_who_may_read_them(roles):
    assert set(staff_members()) == {roles[REVIEWER], roles[SUPERVISOR]}
