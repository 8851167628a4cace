"""The first thing every request meets: a body larger than the site ever takes is
refused before anything reads it.

Django's CSRF check, the form parsers and the views all read request bodies, and
the multipart parser spools uploads to temporary files: without this, anyone could
make any URL (even an anonymous one such as /i18n/setlang/) write hundreds of
megabytes to the server's disk. So the body's declared length is checked here,
ahead of every other middleware.

A body sent without a length (Transfer-Encoding: chunked) is refused too: Django
reads no byte of such a body (it trusts only CONTENT_LENGTH), so nothing the site
offers can use one, and refusing it means no later reader can be tricked into
reading an unbounded stream. Browsers always send a length with forms and uploads.
"""

from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def declared_length(meta) -> int:
    """The body length the client declared; 0 when it declared none or nonsense
    (Django then reads nothing either)."""
    try:
        return max(0, int(meta.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """413 for a declared body over MAX_REQUEST_BYTES, 411 for a body without a
    declared length; both before any other middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refusal(request, "411.html", status=411)
        if declared_length(request.META) > settings.MAX_REQUEST_BYTES:
            return _refusal(request, "413.html", status=413)
        return self.get_response(request)


def _refusal(request, template: str, *, status: int) -> HttpResponse:
    # LocaleMiddleware has not run yet: pick the language the same way it would.
    with translation.override(translation.get_language_from_request(request)):
        context = {
            "max_megabytes": settings.MAX_REQUEST_BYTES // (1024 * 1024),
            "file_megabytes": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        }
        response = HttpResponse(render_to_string(template, context, request=request), status=status)
    # The security middlewares below never see this answer: give it their headers.
    response["Content-Security-Policy"] = build_policy()
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    return response
