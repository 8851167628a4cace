import pytest
from allauth.account.models import EmailAddress

from staff.roles import REVIEWER, SUPERVISOR, create_staff_groups


@pytest.fixture
def groups(db):
    return create_staff_groups()


def _staff(django_user_model, email, group):
    user = django_user_model.objects.create_user(username=email, email=email, password="pw-Secret-2026", is_staff=True)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.groups.add(group)
    return user


@pytest.fixture
def reviewer(django_user_model, groups):
    return _staff(django_user_model, "reviewer@tousu.example", groups[REVIEWER])


@pytest.fixture
def supervisor(django_user_model, groups):
    return _staff(django_user_model, "supervisor@tousu.example", groups[SUPERVISOR])


@pytest.fixture
def complaint(make_complaint, consumer):
    return make_complaint(consumer)
