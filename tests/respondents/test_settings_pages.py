"""The managers' pages for their systems: tokens and webhooks, secrets shown once,
managers only (agents and other organisations' managers get 404)."""

import pytest
from django.urls import reverse

from actions.respondent_admin import create_token
from respondents.models import ApiToken, Member, WebhookEndpoint, hash_secret

from .conftest import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]


@pytest.fixture
def pdd_manager(django_user_model, pdd_respondent):
    return make_member(django_user_model, pdd_respondent, "boss@pinduoduo.example", role=Member.Role.MANAGER)


@pytest.fixture
def taobao_manager(django_user_model, taobao_agent):
    organisation = taobao_agent.respondent_member.organisation
    return make_member(django_user_model, organisation, "boss@taobao.example", role=Member.Role.MANAGER)


def test_a_manager_makes_a_token_and_sees_its_secret_only_once(client, pdd_manager, pdd_respondent):
    client.force_login(pdd_manager)
    response = client.post(reverse("respondents:tokens"), {"purpose": "ERP", "scopes": ["read", "answer"]})
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(organisation=pdd_respondent)
    assert token.key_hash == hash_secret(secret) and token.created_by == pdd_manager
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("respondents:tokens")).content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_manager_revokes_a_token(client, pdd_manager, pdd_respondent):
    token, _secret = create_token(pdd_respondent, purpose="ERP", scopes=["read"])
    client.force_login(pdd_manager)
    client.post(reverse("respondents:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_manager_registers_an_https_webhook_and_a_plain_http_one_is_refused(client, pdd_manager):
    client.force_login(pdd_manager)
    refused = client.post(reverse("respondents:webhooks"), {"url": "http://erp.example.com/hooks"})
    assert refused.status_code == 400 and not WebhookEndpoint.objects.exists()
    made = client.post(reverse("respondents:webhooks"), {"url": "https://erp.example.com/hooks"})
    endpoint = WebhookEndpoint.objects.get()
    assert made.context["secret"] == endpoint.secret
    rotated = client.post(reverse("respondents:rotate_webhook", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert rotated.context["secret"] == endpoint.secret != made.context["secret"]
    client.post(reverse("respondents:disable_webhook", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.get().enabled
    client.post(reverse("respondents:enable_webhook", args=[endpoint.pk]))
    assert WebhookEndpoint.objects.get().enabled
    assert client.get(reverse("respondents:webhook_log", args=[endpoint.pk])).status_code == 200


def test_agents_and_other_organisations_managers_get_404(
    client, pdd_agent, pdd_respondent, taobao_manager, pdd_manager
):
    token, _secret = create_token(pdd_respondent, purpose="ERP", scopes=["read"])
    client.force_login(pdd_manager)
    client.post(reverse("respondents:webhooks"), {"url": "https://erp.example.com/hooks"})
    endpoint = WebhookEndpoint.objects.get()
    for user in (pdd_agent, taobao_manager):
        client.force_login(user)
        if user == pdd_agent:
            assert client.get(reverse("respondents:tokens")).status_code == 404
            assert client.get(reverse("respondents:webhooks")).status_code == 404
        assert client.post(reverse("respondents:revoke_token", args=[token.pk])).status_code == 404
        assert client.post(reverse("respondents:disable_webhook", args=[endpoint.pk])).status_code == 404
        assert client.get(reverse("respondents:webhook_log", args=[endpoint.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and WebhookEndpoint.objects.get().enabled
