"""What a respondent's managers change about how their own systems reach Tousu: API
tokens and webhook endpoints. The portal (respondents.settings_views) and the
`respondent_token` command are thin callers.

Secrets are returned once, to be shown once: a token is kept only as its hash; a
webhook secret must be kept to sign (respondents.models.WebhookEndpoint).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from respondents.models import ApiToken, Organisation, WebhookEndpoint, WebhookMessage, hash_secret, new_secret

from . import Person, action

TOKEN_PREFIX = "tsk"


class Refused(Exception):
    """Why a token or an endpoint cannot be made as asked; the message is for people."""


# --- API tokens -------------------------------------------------------------------


@action
def create_token(
    organisation: Organisation, *, purpose: str, scopes: list[str], created_by: Person = None
) -> tuple[ApiToken, str]:
    """A new token for `purpose`; returns it and the secret (shown once, stored only as
    its hash). One live token per organisation and purpose."""
    purpose = purpose.strip()
    scopes = sorted(set(scopes))
    if not purpose:
        raise Refused(_("Say what the token is for."))
    if not scopes or not set(scopes) <= set(ApiToken.Scope.values):
        raise Refused(_("Choose at least one scope."))
    if ApiToken.objects.filter(organisation=organisation, purpose=purpose, revoked_at__isnull=True).exists():
        raise Refused(_("A token for this purpose already exists: revoke it first, or name another purpose."))
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        organisation=organisation,
        purpose=purpose,
        key_hash=hash_secret(secret),
        prefix=secret[:12],
        scopes=scopes,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    return token, secret


@action
def revoke_token(token: ApiToken, *, now: dt.datetime | None = None) -> bool:
    """Revoke the token at once; its next request gets 401. False if it already was."""
    now = now or timezone.now()
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now))


# --- Webhook endpoints ------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_refusal(url: str) -> str | None:
    """Why Tousu will not post to `url`, or None. https only: the payload and the
    signature must not travel in clear; plain http only to this machine while DEBUG is
    on (a developer's receiver). An address literal inside a private network is refused
    too: Tousu's workers must not be made to post into their own network."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return _("Enter a full URL, starting with https://.")
    if parts.username or parts.password:
        return _("A webhook URL may not carry a user name or password.")
    if parts.scheme == "http":
        if settings.DEBUG and _loopback(host):
            return None
        return _("Webhook URLs must use https.")
    if parts.scheme != "https":
        return _("Webhook URLs must use https.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global and not (settings.DEBUG and address.is_loopback):
        return _("This address is inside a private network: use a public host name.")
    return None


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@action
def register_webhook(organisation: Organisation, *, url: str) -> tuple[WebhookEndpoint, str]:
    """A new endpoint for the organisation's events; returns it and its signing secret."""
    url = url.strip()
    refusal = webhook_url_refusal(url)
    if refusal:
        raise Refused(refusal)
    secret = new_webhook_secret()
    endpoint = WebhookEndpoint.objects.create(organisation=organisation, url=url, secret=secret)
    return endpoint, secret


@action
def rotate_webhook_secret(endpoint: WebhookEndpoint) -> str:
    """A new signing secret, in force from the next attempt of every message."""
    secret = new_webhook_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
    endpoint.secret = secret
    return secret


@action
def disable_webhook(endpoint: WebhookEndpoint, *, now: dt.datetime | None = None) -> bool:
    """A manager switches the endpoint off: nothing more is posted to it."""
    now = now or timezone.now()
    return bool(WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(enabled=False, disabled_at=now))


# Messages that failed only because their endpoint was off are sent again when it is
# switched back on, if they are younger than the retry window (respondents.sending).
RESEND_AFTER_ENABLE = dt.timedelta(days=3)


@action
def enable_webhook(endpoint: WebhookEndpoint, *, now: dt.datetime | None = None) -> int:
    """Switch the endpoint back on with a clean failure count; the messages it missed
    while off (within three days) go out again. Returns how many."""
    from respondents.sending import ENDPOINT_OFF

    now = now or timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=True, disabled_at=None, failures_in_a_row=0)
    return WebhookMessage.objects.filter(
        endpoint=endpoint,
        status__in=[WebhookMessage.Status.FAILED, WebhookMessage.Status.PENDING],
        last_error=ENDPOINT_OFF,
        created_at__gte=now - RESEND_AFTER_ENABLE,
    ).update(status=WebhookMessage.Status.PENDING, next_attempt_at=now, attempts=0, locked_until=None)
