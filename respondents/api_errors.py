"""Errors of the respondent API as RFC 9457 problem details (application/problem+json):
`type`, `title`, `status`, `detail`, and for a refused body `errors`, the messages of
each field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Each problem's `type`: a URI that names it (RFC 9457 §3.1.1). Not dereferenceable.
TYPE_BASE = "urn:tousu:problem:"


class Conflict(exceptions.APIException):
    """The complaint cannot take this now (an answer to a closed complaint; an
    Idempotency-Key reused for another request)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Conflict"


_TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem(status_code: int, code: str, detail: str, *, errors: dict | None = None, headers=None) -> Response:
    body = {
        "type": TYPE_BASE + code,
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}; errors of the whole body
    under "non_field_errors"."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    out = {}
    for field, messages in detail.items():
        if isinstance(messages, dict):
            for sub, value in _field_errors(messages).items():
                out[f"{field}.{sub}"] = value
        else:
            out[field] = [str(item) for item in (messages if isinstance(messages, list) else [messages])]
    return out


def problem_details_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500, reported as any other
    headers = {}
    # Only some exceptions carry these (NotAuthenticated, Throttled): read them by name.
    auth_header, wait = getattr(exc, "auth_header", None), getattr(exc, "wait", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if wait:
        headers["Retry-After"] = str(int(wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            exc.status_code,
            "invalid",
            _("Some fields are not valid."),
            errors=_field_errors(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else str(exc.default_code)
    return problem(exc.status_code, code, detail, headers=headers)
