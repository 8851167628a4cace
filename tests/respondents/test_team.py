"""A manager's team: who may invite whom, and agents see no manager page."""

import pytest
from django.urls import reverse

from respondents.models import Invitation, Member

from .conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdd_manager(django_user_model, pdd_respondent):
    return make_member(django_user_model, pdd_respondent, "boss@pdd-ops.example", role=Member.Role.MANAGER)


def test_a_manager_invites_a_colleague_at_their_own_domain(client, pdd_manager):
    client.force_login(pdd_manager)
    response = client.post(reverse("respondents:team"), {"email": "colleague@pdd-ops.example", "role": "agent"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "colleague@pdd-ops.example",
        "agent",
        pdd_manager,
    )


def test_an_address_at_another_domain_is_refused_next_to_the_field(client, pdd_manager):
    client.force_login(pdd_manager)
    response = client.post(reverse("respondents:team"), {"email": "someone@qq.example", "role": "manager"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert "someone@qq.example" in response.content.decode()
    assert not Invitation.objects.exists()


def test_agents_get_404_on_the_team_pages(client, pdd_agent, pdd_manager):
    client.force_login(pdd_agent)
    assert client.get(reverse("respondents:team")).status_code == 404
    manager_row = Member.objects.get(user=pdd_manager)
    assert client.post(reverse("respondents:change_member", args=[manager_row.pk]), {"remove": "1"}).status_code == 404
    assert Member.objects.filter(pk=manager_row.pk).exists()


def test_a_manager_removes_an_agent_but_not_themself(client, pdd_manager, pdd_agent):
    client.force_login(pdd_manager)
    me = Member.objects.get(user=pdd_manager)
    client.post(reverse("respondents:change_member", args=[me.pk]), {"remove": "1"})
    assert Member.objects.filter(pk=me.pk).exists()
    agent = Member.objects.get(user=pdd_agent)
    client.post(reverse("respondents:change_member", args=[agent.pk]), {"remove": "1"})
    assert not Member.objects.filter(pk=agent.pk).exists()
