"""Who calls the respondent API: an organisation's system holding an API token.

`Authorization: Bearer <token>`. The token is looked up by its hash (only that is
stored), must not be revoked, and stands for its organisation: the API asks the access
policy (complaints.access) with that organisation, never with a person. What a token
may do is its scopes (`HasScope`); how often, its throttle (`TokenRateThrottle`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken, hash_secret

# last_used_at is written at most this often per token: a busy integration would
# otherwise write the token's row on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ApiClient:
    """request.user for an API call: the organisation's system, not a person."""

    token: ApiToken

    is_authenticated = True
    is_anonymous = False
    pk = None

    @property
    def organisation(self):
        return self.token.organisation

    def has_scope(self, scope: str) -> bool:
        return scope in self.token.scopes


def touch(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record the use, unless it was recorded less than a minute ago (one conditional
    UPDATE, which also keeps two processes from both writing)."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_EVERY).update(last_used_at=now)
    token.last_used_at = now


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = (
            ApiToken.objects.select_related("organisation")
            .filter(key_hash=hash_secret(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            # The same answer for a token that never existed and one revoked.
            raise exceptions.AuthenticationFailed(_("This token is not valid or has been revoked."))
        touch(token)
        return ApiClient(token), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 without a token.
        return 'Bearer realm="tousu"'


class HasScope(BasePermission):
    """The token holds the scope the view names (`required_scope`)."""

    message = _("This token does not have the scope this needs.")

    def has_permission(self, request, view):
        client = request.user
        scope = getattr(view, "required_scope", ApiToken.Scope.READ)
        return isinstance(client, ApiClient) and client.has_scope(scope)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (API_RATE_PER_TOKEN), counted in the shared cache, so every
    web process counts the same token together."""

    scope = "token"

    def get_cache_key(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.token.pk}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document's security scheme for BearerTokenAuthentication."""

    target_class = "respondents.api_auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made by a manager in the portal or with `manage.py respondent_token`.",
        }
