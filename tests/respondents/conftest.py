"""Respondent personas: a platform's organisation that has joined, a member of it with
an authenticator app, and a member of another organisation."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from respondents.models import Member, Organisation

from ..conftest import platform


def make_organisation(platform_row, *, joined=True, slug=None, kind=Organisation.Kind.PLATFORM, name=None):
    return Organisation.objects.create(
        slug=slug or platform_row.slug,
        kind=kind,
        name=name or platform_row.name_zh,
        platform=platform_row,
        joined_at=timezone.now() if joined else None,
    )


def make_member(django_user_model, organisation, email, *, role=Member.Role.AGENT, totp=True):
    user = django_user_model.objects.create_user(username=email, email=email, password="pw-Secret-2026")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, generate_totp_secret())
    Member.objects.create(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def pdd_respondent(pinduoduo):
    return make_organisation(pinduoduo)


@pytest.fixture
def pdd_agent(django_user_model, pdd_respondent):
    return make_member(django_user_model, pdd_respondent, "agent@pinduoduo.example")


@pytest.fixture
def taobao_agent(django_user_model, db):
    organisation = make_organisation(platform("taobao"))
    return make_member(django_user_model, organisation, "agent@taobao.example")


@pytest.fixture(autouse=True)
def policies(db):
    """The platforms' deadline policies, as `setup_tousu` loads them: delivery starts clocks."""
    from escalation.policies import load_policies

    for slug in ("pinduoduo", "taobao", "tmall"):
        platform(slug)
    load_policies()
