"""When the shared cache is down, a request that needs it (a limit that protects
accounts: allauth's sign-in, two-factor and password-reset limits take a cache lock)
gets a translated "please try again shortly" page with 503, never a 500; the limits
that may fail open do so themselves (core.ratelimits)."""

import logging

from django.shortcuts import render

from core.ratelimits import CACHE_FAILURES, CACHE_UNREACHABLE

log = logging.getLogger(__name__)


class CacheOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CACHE_UNREACHABLE):
            return None
        CACHE_FAILURES.labels(group="fail-closed").inc()
        log.warning(
            "cache unreachable: %s refused with 503",
            request.resolver_match.view_name if request.resolver_match else "?",
        )
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
