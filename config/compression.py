"""Compress HTML only where compression cannot leak a secret (BREACH).

BREACH recovers a secret from a compressed response's length when the same response
also reflects text an attacker chose (every page here echoes its own URL, query
included, in the language switcher). So:

- Pages for a signed-in consumer (their phone number, email, order numbers) are
  never compressed.
- Responses marked private (`never_cache`: the contact-confirmation page, password
  reset keys and the like) are never compressed either.
- What is left are the public pages, whose only secret is the CSRF token; Django
  masks it afresh in every response, so there is no constant to guess, and Django's
  GZipMiddleware adds random padding to each compressed response besides.

Static files never reach this middleware: WhiteNoise, listed before it, serves them
precompressed.
"""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re  # type: ignore[attr-defined]  # Django's own, not in the stubs


class PublicPageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        directives = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
        if directives & {"private", "no-store"}:
            return response
        return super().process_response(request, response)
