"""A respondent's systems: API tokens and webhook endpoints, made and changed by its
managers (the portal) or by staff (`respondent_token`). Secrets are shown once."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable

from django.utils import timezone

from respondents.models import ApiToken, Organisation, WebhookEndpoint, hash_secret, new_secret

from . import Person, action


@action
def create_token(
    organisation: Organisation, *, purpose: str, scopes: Iterable[str], created_by: Person = None
) -> tuple[ApiToken, str]:
    """A new token; returns it and the secret (only its hash is kept)."""
    scopes = sorted({ApiToken.Scope(scope).value for scope in scopes}) or [ApiToken.Scope.READ.value]
    key = new_secret("tsu")
    token = ApiToken.objects.create(
        organisation=organisation,
        purpose=purpose[:100],
        key_hash=hash_secret(key),
        prefix=key[:10],
        scopes=scopes,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    return token, key


@action
def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _new_webhook_secret() -> str:
    # Standard Webhooks' form: "whsec_" and base64 of 24 random bytes.
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@action
def add_endpoint(organisation: Organisation, *, url: str) -> tuple[WebhookEndpoint, str]:
    secret = _new_webhook_secret()
    endpoint = WebhookEndpoint.objects.create(organisation=organisation, url=url, secret=secret)
    return endpoint, secret


@action
def rotate_secret(endpoint: WebhookEndpoint) -> str:
    secret = _new_webhook_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
    return secret


@action
def set_endpoint_enabled(endpoint: WebhookEndpoint, enabled: bool) -> None:
    """Switching an endpoint back on clears its run of failures."""
    changes: dict[str, object] = {"enabled": enabled}
    if enabled:
        changes.update(failures_in_a_row=0, disabled_at=None)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**changes)
